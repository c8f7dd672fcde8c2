"""Pusher mode, all in this folder: the adapter that triggers through the official `pusher` library
(adapter.py), channel names and who may join them (channels.py), the auth endpoints pusher-js
calls (auth.py), and the built-in Pusher-protocol server (server/).
"""
