"""施策ナビ web app: ``python app.py`` serves the chat on 127.0.0.1:7860 (the code is in web/)."""

from web.server import main

if __name__ == "__main__":
    main()
