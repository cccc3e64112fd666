"""What each kind of result says, as blocks (render/blocks.py) that any format can print. One
module per kind of result; no format is named here. May import the layers below render/ and
render/blocks.py, never formats/."""
