"""Layer 3, the machine-learning use cases: the softmax Jacobian, gradient descent and
backpropagation. May import calculus/, engine/ and language/ (not grading/)."""
