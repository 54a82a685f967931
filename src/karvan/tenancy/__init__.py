"""Tenancy: organisations, their users and API keys, and who may see or change what (`Principal`).

Plain Python over SQLAlchemy sessions; the API and the CLI are thin layers on top.
"""
