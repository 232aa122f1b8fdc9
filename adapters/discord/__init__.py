"""The Discord adapter (discord.py 2.7): render, inbound, chat port, command tree and client."""
