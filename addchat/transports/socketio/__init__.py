"""Socket.IO mode, all in this folder: the adapter (adapter.py), who may connect and the events a
client may send (events.py), the one emit function (push.py), online presence and typing
(presence.py), closing a browser's sockets at sign-out (signout.py), the server options (server.py).
"""
