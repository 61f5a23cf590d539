"""The local web app (`cv-matcher serve`): pages for people and a JSON API for tools.

Needs the optional extra: pip install '.[web]' (Starlette, uvicorn, python-multipart).
`create_app(WebConfig(...))` builds the ASGI app; `app.serve(config)` runs it on uvicorn.
"""
