"""The JSON API under /addchat/api/: the widget's only way into the chat (views.py holds the routes)."""
