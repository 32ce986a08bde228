"""Words, names and genre profiles the demo library is generated from (all fictional)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GenreProfile:
    """How tracks of one style sound: feature means, era, and the fine genres artists carry."""

    key: str
    genres: tuple[str, ...]
    years: tuple[int, int]
    energy: float
    valence: float
    danceability: float
    tempo: float
    acousticness: float
    instrumentalness: float
    speechiness: float
    explicit_p: float = 0.05
    duration_s: float = 215.0
    weight: float = 1.0
    title_style: str = "en"          # which title vocabulary to use: en | fr | es | ja | ko | de


PROFILES: tuple[GenreProfile, ...] = (
    GenreProfile("indie", ("indie rock", "indie pop", "modern rock", "garage rock"), (1998, 2026),
                 0.68, 0.48, 0.52, 124, 0.18, 0.08, 0.05, weight=1.6),
    GenreProfile("pop", ("pop", "dance pop", "electropop", "synth-pop"), (1982, 2026),
                 0.70, 0.62, 0.68, 118, 0.15, 0.01, 0.06, explicit_p=0.12, duration_s=200, weight=1.8),
    GenreProfile("hiphop", ("hip hop", "rap", "trap", "conscious hip hop", "boom bap"), (1988, 2026),
                 0.66, 0.50, 0.76, 96, 0.14, 0.01, 0.26, explicit_p=0.55, weight=1.3),
    GenreProfile("electronic", ("house", "deep house", "techno", "edm", "drum and bass"), (1992, 2026),
                 0.82, 0.45, 0.72, 126, 0.05, 0.62, 0.05, duration_s=290, weight=1.2),
    GenreProfile("rock", ("classic rock", "hard rock", "blues rock", "album rock"), (1965, 2012),
                 0.74, 0.55, 0.48, 128, 0.15, 0.05, 0.05, duration_s=245, weight=1.1),
    GenreProfile("metal", ("heavy metal", "thrash metal", "metalcore", "doom metal"), (1978, 2024),
                 0.93, 0.28, 0.38, 138, 0.01, 0.22, 0.09, explicit_p=0.15, duration_s=280, weight=0.6),
    GenreProfile("jazz", ("jazz", "bebop", "cool jazz", "vocal jazz", "jazz fusion"), (1955, 2024),
                 0.35, 0.52, 0.55, 112, 0.78, 0.55, 0.05, duration_s=330, weight=0.8),
    GenreProfile("classical", ("classical", "baroque", "romantic era", "contemporary classical"),
                 (1958, 2023), 0.16, 0.25, 0.28, 98, 0.95, 0.88, 0.04, duration_s=390, weight=0.5),
    GenreProfile("folk", ("folk", "indie folk", "singer-songwriter", "americana"), (1966, 2026),
                 0.36, 0.45, 0.50, 110, 0.80, 0.05, 0.04, weight=0.9),
    GenreProfile("soul", ("soul", "r&b", "neo soul", "funk", "motown"), (1962, 2026),
                 0.56, 0.66, 0.68, 104, 0.30, 0.02, 0.07, weight=0.9),
    GenreProfile("latin", ("reggaeton", "latin pop", "salsa", "bachata", "cumbia"), (1995, 2026),
                 0.76, 0.74, 0.80, 100, 0.18, 0.01, 0.09, explicit_p=0.2, weight=0.8, title_style="es"),
    GenreProfile("ambient", ("ambient", "lo-fi beats", "chillhop", "downtempo"), (1994, 2026),
                 0.24, 0.32, 0.56, 84, 0.62, 0.85, 0.05, duration_s=180, weight=0.7),
    GenreProfile("jpop", ("j-pop", "city pop", "anime", "j-rock"), (1978, 2026),
                 0.72, 0.64, 0.62, 130, 0.14, 0.02, 0.05, weight=0.6, title_style="ja"),
    GenreProfile("kpop", ("k-pop", "k-r&b", "korean ost"), (2008, 2026),
                 0.78, 0.66, 0.72, 122, 0.10, 0.00, 0.07, weight=0.5, title_style="ko"),
    GenreProfile("chanson", ("chanson", "french pop", "nouvelle chanson"), (1958, 2026),
                 0.45, 0.52, 0.55, 108, 0.55, 0.02, 0.06, weight=0.4, title_style="fr"),
    GenreProfile("country", ("country", "contemporary country", "bluegrass"), (1970, 2026),
                 0.60, 0.62, 0.58, 116, 0.35, 0.01, 0.04, weight=0.5),
)

FIRST_NAMES = ("Ava", "Noah", "Mila", "Leo", "Ines", "Jonas", "Freya", "Kai", "Lena", "Omar", "Sofia", "Theo",
               "Nina", "Felix", "Maya", "Elias", "Ruby", "Hugo", "Ida", "Marco", "June", "Aaron", "Clara", "Ezra",
               "Zoë", "Renée", "José", "Björn", "Anaïs", "Søren", "Joaquín", "Małgorzata", "Chloé", "François")
LAST_NAMES = ("Hart", "Lindqvist", "Moreau", "Okafor", "Reyes", "Novak", "Calloway", "Bennett", "Ferreira",
              "Kowalski", "Åberg", "Müller", "Núñez", "Dupré", "Brennan", "Sato", "Vance", "Whitfield", "Oduya",
              "Castellanos", "Holm", "Marlowe", "Quinn", "Ashby", "Thorne", "Ellery", "Ibáñez", "Łukasik")
BAND_ADJECTIVES = ("Velvet", "Electric", "Paper", "Neon", "Silent", "Golden", "Wild", "Crystal", "Hollow", "Midnight",
                   "Copper", "Static", "Lunar", "Glass", "Northern", "Burning", "Quiet", "Broken", "Violet", "Feral")
BAND_NOUNS = ("Tigers", "Satellites", "Lanterns", "Echoes", "Foxes", "Harbors", "Parades", "Owls", "Mirrors",
              "Ghosts", "Rivers", "Machines", "Gardens", "Wolves", "Comets", "Tides", "Pilots", "Sparrows")

# Names from real libraries' awkward corners: accents, CJK, emoji, punctuation, very short or long.
SPECIAL_ARTISTS = {
    "indie": ("Les Étoiles Câlines", "Øystein Brænne", "The Strokes of Luck", "Ünlü Kaya"),
    "pop": ("Beyoncé Montañez", "ZOË", "Ñandú", "✨Sparkle Girls✨"),
    "hiphop": ("MC Ça Va", "Lil Ümlaut", "$ilver $pade", "A$AP Pigeon"),
    "electronic": ("DJ Ōkami", "Ⓜ️ Modulator", "Kraftwerk & Söhne", "deadmau6"),
    "jazz": ("Thelonious Rêve Quartet", "Zoë Andrés Trio"),
    "classical": ("Orquesta Sinfónica de Mañana", "Kammerorchester Düsseldorf-Nord"),
    "latin": ("Los Niños del Río", "Peña Brava", "Corazón Eléctrico"),
    "ambient": ("🌙 Moonchild Collective", "sleepy bear ☁️", "l'été infini"),
    "jpop": ("星野 葵", "夜光ノ街", "ハルカとミライ", "Sakura Drive"),
    "kpop": ("하늘별", "BLUE HOUR (블루아워)", "Seoul Neon"),
    "chanson": ("Émilie Lefèvre", "Céline & Gaëtan", "Les Frères Béranger"),
    "metal": ("Mötörhëad Revival", "Dødsfall", "Ænima Noctis"),
    "folk": ("Åsa & the Willows", "Siobhán Ní Mhurchú"),
    "soul": ("Aretha's Grandkids", "Señor Groove"),
    "country": ("Dolly & the Pärtons",),
    "rock": ("AC/DB", "Guns N' Petals", "The Who?"),
}

TITLE_ADJECTIVES = ("Golden", "Midnight", "Electric", "Broken", "Endless", "Lonely", "Silver", "Burning", "Quiet",
                    "Wild", "Hidden", "Lost", "Neon", "Summer", "Winter", "Secret", "Faded", "Restless", "Tender",
                    "Velvet", "Crimson", "Hollow", "Sweet", "Distant")
TITLE_NOUNS = ("Hour", "Heart", "Highway", "Dreams", "Rain", "Lights", "Fire", "Ocean", "City", "Echoes", "Sky",
               "Love", "Shadows", "Roads", "Morning", "Night", "Garden", "Stars", "Waves", "Mirror", "Letters",
               "Thunder", "Paradise", "Horizon", "Satellite", "Weekend")
TITLE_TEMPLATES = ("{a} {n}", "{n}", "The {a} {n}", "{n} of {n2}", "{a} {n}", "Into the {n}", "{n} & {n2}",
                   "All My {n}", "{a}", "Don't Stop the {n}", "{n} (Interlude)", "{a} {n}, Pt. 2")
LOCALIZED_TITLES = {
    "fr": ("Café de la Plage", "Déjà Vu", "Ça ira", "L'été indien", "Où es-tu ?", "Rêverie", "Les Éphémères",
           "À bientôt", "Cœur brisé", "Fenêtre sur cour"),
    "es": ("Canción del Mar", "Corazón Salvaje", "Señorita del Sol", "Bailando Sola", "Mañana Será",
           "Niña Bonita", "Dímelo", "Fuego Lento", "Quiéreme", "Noche de Verano"),
    "ja": ("青い夏", "星降る夜", "さよならの向こう", "月光と影", "東京ネオン", "君の名前", "夜明けのうた",
           "桜色の風", "Midnight 東京", "雨音"),
    "ko": ("봄날의 꿈", "사랑의 노래", "별빛 (Starlight)", "너에게", "밤하늘", "Seoul Nights 서울",
           "첫눈", "파란 여름"),
}
EMOJI_TITLES = ("Summer Vibes ☀️", "🔥 Fire Dance", "Heartbeat 💓", "Late Night 🌃", "Good Mood 😎", "🎉 Party Time",
                "Ocean Eyes 🌊", "Roses 🌹")
TITLE_SUFFIXES = (" - Remastered 2011", " - Live", " - Radio Edit", " - Acoustic", " (feat. Ava Hart)",
                  " - 2019 Remaster", " - Extended Mix")

LABELS = ("Northern Lights Records", "Blue Fern Music", "Kaiju Sound", "Éditions Lune", "Concrete Jungle Recordings",
          "Self-released", "Harbor & Pine", "Sonido Dorado", "Nebula Tapes", "Warm Static Records",
          "Klangwerk GmbH", "Seoul Bloom Entertainment")
ISRC_COUNTRIES = ("US", "GB", "SE", "FR", "DE", "JP", "KR", "ES", "NL", "CA")

# Playlists: name, description, which profiles they draw from, an optional feature taste, size.
PLAYLISTS = (
    ("Workout 💪", "High energy, no breaks.", ("electronic", "hiphop", "metal", "pop", "latin"),
     ("energy", 0.72, None), 180),
    ("Chill Evenings", "Wind down.", ("ambient", "folk", "jazz", "soul", "indie"), ("energy", None, 0.5), 220),
    ("Road Trip 2019", "Windows down.", ("rock", "indie", "country", "pop"), None, 140),
    ("Café Jazz ☕", "Sunday morning, coffee, vinyl crackle.", ("jazz", "soul", "chanson"), None, 120),
    ("Deep Focus", "Instrumental concentration.", ("ambient", "classical", "electronic"),
     ("instrumentalness", 0.5, None), 160),
    ("Throwbacks", "Songs from before 2000.", ("rock", "soul", "pop", "hiphop", "country"),
     ("release_year", None, 1999), 200),
    ("夜のドライブ (Night Drive)", "City pop and synths after dark.", ("jpop", "kpop", "electronic", "pop"),
     None, 110),
    ("Party Bangers 🎉", "Dance floor only.", ("latin", "pop", "electronic", "hiphop", "kpop"),
     ("danceability", 0.65, None), 170),
    ("Rainy Day", "Grey skies, soft songs.", ("folk", "indie", "chanson", "classical", "ambient"),
     ("valence", None, 0.45), 130),
    ("Discover Weekly Archive", "Saved finds from every week.", tuple(p.key for p in PROFILES), None, 300),
)
