from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed-name storage, remembering each file's URL.

    The manifest is read once when the process starts and does not change while it runs, so a
    file's URL does not either; working it out costs ~20 µs and an admin page asks for sixteen.
    (collectstatic works out the names it writes without url(), so it never sees this memo.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        key = (name, force)
        if key not in self._urls:
            self._urls[key] = super().url(name, force)
        return self._urls[key]
