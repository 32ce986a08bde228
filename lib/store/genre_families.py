"""The built-in mapping of fine genres and tags onto about fifteen genre families."""

from __future__ import annotations

import re

# Family → keys. A key matches a genre exactly or as whole words inside it ("rock" matches
# "indie rock"); the longest matching key wins, then the right-most one, which in English genre
# names is the head noun ("pop punk" → punk, "punk pop" → pop).
BUILTIN_FAMILIES: dict[str, tuple[str, ...]] = {
    "pop": ("pop", "k-pop", "j-pop", "c-pop", "synthpop", "electropop", "dance pop", "teen pop", "bubblegum",
            "europop", "dream pop", "power pop", "indie pop", "art pop", "chanson", "schlager", "boy band",
            "girl group", "adult contemporary", "singer-songwriter"),
    "rock": ("rock", "rock and roll", "rock'n'roll", "rockabilly", "grunge", "shoegaze", "britpop", "new wave",
             "post-punk", "alternative", "alternative rock", "indie", "indie rock", "psychedelic", "garage",
             "surf", "emo", "math rock", "post-rock", "prog", "progressive rock", "krautrock", "madchester"),
    "metal": ("metal", "heavy metal", "metalcore", "deathcore", "djent", "doom", "sludge", "thrash",
              "grindcore", "nu metal", "black metal", "death metal", "power metal", "stoner"),
    "punk": ("punk", "hardcore", "pop punk", "skate punk", "oi", "riot grrrl", "crust", "ska punk"),
    "electronic": ("electronic", "electronica", "edm", "house", "techno", "trance", "dubstep", "drum and bass",
                   "dnb", "jungle", "breakbeat", "garage house", "uk garage", "ambient", "idm", "downtempo",
                   "trip hop", "electro", "synthwave", "chillwave", "disco", "nu disco", "hardstyle", "dance",
                   "big room", "eurodance", "industrial", "glitch", "lo-fi", "lofi", "vaporwave", "chiptune"),
    "hip hop": ("hip hop", "hip-hop", "hiphop", "rap", "trap", "drill", "grime", "boom bap", "gangsta rap",
                "crunk", "phonk", "horrorcore", "g funk", "chillhop"),
    "r&b": ("r&b", "rnb", "soul", "neo soul", "funk", "motown", "contemporary r&b", "new jack swing",
            "quiet storm", "gospel", "doo-wop"),
    "jazz": ("jazz", "bebop", "swing", "big band", "bossa nova", "smooth jazz", "fusion", "free jazz",
             "cool jazz", "hard bop", "vocal jazz", "acid jazz", "ragtime"),
    "blues": ("blues", "delta blues", "chicago blues", "electric blues", "blues rock"),
    "classical": ("classical", "baroque", "romantic", "opera", "orchestra", "orchestral", "symphony",
                  "chamber music", "string quartet", "choral", "early music", "minimalism", "contemporary classical",
                  "soundtrack", "score", "film score", "video game music", "neoclassical", "piano"),
    "folk": ("folk", "folk rock", "indie folk", "americana", "bluegrass", "celtic", "acoustic",
             "traditional", "sea shanty", "anti-folk"),
    "country": ("country", "country pop", "alt-country", "honky tonk", "outlaw country", "nashville",
                "country rock", "western", "red dirt"),
    "latin": ("latin", "reggaeton", "salsa", "bachata", "merengue", "cumbia", "tango", "samba", "mpb", "latin pop",
              "regional mexican", "corridos", "mariachi", "banda", "flamenco", "urbano latino", "dembow"),
    "reggae": ("reggae", "dub", "dancehall", "ska", "rocksteady", "roots reggae", "lovers rock"),
    "world": ("world", "afrobeat", "afrobeats", "afropop", "highlife", "amapiano", "bollywood", "filmi", "qawwali",
              "fado", "klezmer", "k-indie", "j-rock", "city pop", "mandopop", "cantopop", "arabic", "turkish",
              "balkan", "gnawa", "soukous"),
}

GENRE_FAMILIES: tuple[str, ...] = tuple(BUILTIN_FAMILIES)

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize_genre(text: str) -> str:
    """Lower-case, '-'/'_' as spaces, single spaces: the form genres and keys are compared in.

    Must match `NORMALIZE_SQL` in lib/store/classification.py.
    """
    return _SEPARATORS.sub(" ", str(text).strip().lower()).strip()


def builtin_rows() -> list[tuple[str, str]]:
    """(normalized key, family) pairs; a key listed under two families keeps the first."""
    rows: dict[str, str] = {}
    for family, keys in BUILTIN_FAMILIES.items():
        for key in keys:
            rows.setdefault(normalize_genre(key), family)
    return sorted(rows.items())
