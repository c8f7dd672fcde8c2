"""The service layer: every rule of the chat lives here, views only parse and shape."""
