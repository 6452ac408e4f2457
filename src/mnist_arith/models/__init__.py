"""Model factories: sequence models, the digit reader, and generative models."""
