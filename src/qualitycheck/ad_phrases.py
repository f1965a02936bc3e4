"""Shipped lists of the ad-text rule (QC101): phrases, labels, patterns and cue words.

These lists are the floor, not the detector: the rule also finds blocks of
boilerplate that contain none of these words (short lines, second person,
imperatives, prices, button labels, no reporting verbs, lines a site repeats
on many pages). rules.yaml can extend or replace `phrases`, `labels` and
`patterns` through the rule's options.

Matching is case-insensitive, treats any run of whitespace (a line break
included) as one space, and only matches whole words.

Python data rather than YAML: a run that checks one article imports it from
bytecode in well under a millisecond, without importing a YAML parser.
"""

# Phrases that mark a line as boilerplate wherever they occur in it, unless
# the line is a reported sentence or the phrase is inside quotation marks.
# Keyed by what kind of boilerplate they are; the key names the debris in
# messages.
PHRASES = {
    "donation appeal": [
        "support us", "support our journalism", "support independent journalism", "support independent media",
        "support our work", "support our reporting", "please support", "make a donation", "make a contribution",
        "donate now", "donate today", "every contribution", "we need your help", "your support",
        "your contribution", "your donation", "become a supporter", "become a member", "become a patron", "chip in",
        "buy us a coffee", "buy me a coffee", "keep our journalism free", "reader-funded", "reader funded",
        "ad-free experience", "we rely on readers", "fund our journalism", "independent journalism needs you",
        "monthly donation", "one-time donation", "liked this story", "liked this article", "enjoyed this story",
        "enjoyed this article", "enjoying this story", "enjoying this article", "value our journalism",
        "value our reporting", "back our journalism", "back local journalism",
    ],
    "paywall prompt": [
        "free articles left", "free article left", "free articles remaining", "free stories left",
        "articles left this month", "you have reached your limit", "you've reached your limit",
        "already a subscriber", "already subscribed", "subscribe now", "subscribe today", "subscribe to continue",
        "subscribe to read", "subscribers only", "for subscribers", "unlock this article",
        "unlock unlimited access", "unlimited digital access", "start your free trial", "start free trial",
        "cancel anytime", "cancel any time", "log in to continue", "sign in to continue", "to continue reading",
        "this content is for members",
    ],
    "newsletter sign-up": [
        "sign up for our newsletter", "subscribe to our newsletter", "sign up to our newsletter",
        "delivered to your inbox", "straight to your inbox", "in your inbox", "enter your email",
        "enter your e-mail", "your email address", "by signing up", "by subscribing", "you agree to our",
        "newsletter sign-up", "get our newsletter", "view this email in your browser", "view in browser",
        "view it in your browser", "forward this email", "you are receiving this email", "update your preferences",
        "manage your subscription", "unsubscribe from this list",
    ],
    "cookie banner": [
        "accept all cookies", "accept cookies", "reject all cookies", "we use cookies", "this site uses cookies",
        "this website uses cookies", "use of cookies", "cookie policy", "cookie settings", "manage cookies",
        "manage preferences", "privacy preferences", "by continuing to browse", "by continuing to use",
    ],
    "social-share buttons": [
        "share on facebook", "share on twitter", "share on x", "share on linkedin", "share on whatsapp",
        "share via email", "share this article", "share this story", "share this post", "follow us on",
        "like us on facebook", "copy link",
    ],
    "app promo": [
        "download our app", "download the app", "get the app", "get our app", "available on the app store",
        "download on the app store", "get it on google play", "turn on notifications", "enable notifications",
    ],
    "comment widget": [
        "join the conversation", "join the discussion", "leave a comment", "post a comment", "add a comment",
        "be the first to comment", "log in to comment", "sign in to comment", "show comments", "view comments",
        "comments are closed",
    ],
    "betting ad": [
        "gamble responsibly", "bet responsibly", "new customers only", "t&cs apply", "terms and conditions apply",
        "free bets", "free bet",
    ],
    "advertisement": [
        "story continues below advertisement", "story continues below", "continues below",
        "article continues below", "continue reading below", "scroll to continue",
        "scroll to continue with content", "sponsored content", "paid partnership", "advertisement feature",
        "whitelist us", "turn off your ad blocker",
    ],
}

# Lines that are boilerplate when they are the whole line (after markers,
# surrounding punctuation and case are dropped): buttons and widget labels.
LABELS = {
    "advertisement": [
        "advertisement", "advertisements", "advert", "ad", "ads", "sponsored", "promoted", "skip ad", "close ad",
    ],
    "social-share buttons": [
        "share", "share this", "share article", "tweet", "email", "e-mail", "print", "copy link", "link copied",
        "facebook", "twitter", "whatsapp", "telegram", "linkedin", "reddit", "pinterest",
    ],
    "site buttons": [
        "remind me later", "maybe later", "not now", "no thanks", "no, thanks", "got it", "ok", "okay", "close",
        "dismiss", "continue", "cancel", "skip", "accept", "accept all", "reject all", "decline", "agree",
        "i agree", "read more", "continue reading", "show more", "load more", "see more", "learn more",
        "back to top", "next article", "previous article", "sign in", "sign up", "log in", "login", "log out",
        "register", "subscribe", "donate", "menu", "search",
    ],
    "comment widget": [
        "comments", "comment", "reply", "report", "report comment", "most popular", "trending now",
    ],
}

# Regular expressions (Python syntax) matched against each candidate line,
# lower-cased with whitespace collapsed. One combined pattern is compiled.
PATTERNS = {
    "paywall prompt": [
        r"\byou(?: have|'ve)? (?:\d+|one|two|three|four|five) (?:free |more )?(?:articles?|stories|story|reads?)\b",
        r"\b(?:\d+|one|two|three|four|five) (?:free )?(?:articles?|stories) (?:left|remaining)\b",
    ],
    "comment widget": [
        r"^\(?\d+\)?\s+(?:comments?|replies|responses)\b", r"^(?:comments?|replies)\s*\(\d+\)$",
    ],
}

# Vocabulary the block detector weighs. None of it flags a line alone.
CUES = {
    # Words that address the reader (contractions such as "you're" match through the apostrophe).
    "second-person": [
        "you", "your", "yours", "yourself", "yourselves",
    ],
    # The publisher speaking of itself.
    "first-person-plural": [
        "we", "us", "our", "ours", "ourselves",
    ],
    # Verbs that start a call to action (only counted at the start of a sentence).
    "imperative": [
        "support", "subscribe", "donate", "give", "contribute", "join", "become", "sign", "log", "click", "tap",
        "get", "download", "install", "follow", "share", "like", "register", "accept", "reject", "allow", "enable",
        "disable", "turn", "upgrade", "unlock", "start", "try", "continue", "read", "remind", "manage", "please",
        "don't", "do not", "never", "help", "keep", "chip", "pledge", "enter", "choose", "select", "sign-up",
        "visit", "discover", "explore", "claim", "save", "buy", "order", "shop", "view", "forward", "update",
        "unsubscribe", "consider", "bet", "play", "stream", "watch", "listen", "grab", "open", "whitelist",
        "allowlist", "scan", "pitch in", "back us", "back our",
    ],
    # Verbs and phrases that attribute a statement: reported speech is the story.
    "reporting": [
        "said", "says", "told", "tells", "according to", "added", "adds", "stated", "announced", "reported",
        "urged", "urges", "asked", "asks", "explained", "noted", "wrote", "argued", "insisted", "warned", "claimed",
        "confirmed", "denied", "recalled", "acknowledged", "replied", "testified", "conceded", "declared",
        "pleaded", "cautioned", "advised",
    ],
    # Words of the buttons that close a pop-up ("Maybe not", "No thanks"); counted on lines of four words or fewer.
    "dismissal": [
        "maybe", "later", "thanks", "not now", "not today", "no thanks", "skip", "close", "dismiss", "cancel",
        "nope",
    ],
    # Words of urgency and offers.
    "urgency": [
        "now", "today", "free", "just", "only", "unlimited", "exclusive", "here", "later", "instantly", "anytime",
    ],
    # Words about the site and the reader's relation to it, keyed by the kind
    # of boilerplate they point to. `strong` words almost never occur in a story
    # about something else; the others do, and weigh less.
    "site": {
        "donation appeal": {
            "strong": [
                "donate", "donation", "donations", "ad-free", "supporters", "patron", "patrons", "reader-supported",
                "reader-funded", "membership",
            ],
            "weak": [
                "support", "supporting", "contribution", "contributions", "journalism", "journalists",
                "independent", "mission", "newsroom", "reporting", "readers", "funded", "monthly", "favor",
                "favour", "help", "gift", "payment", "card", "paypal",
            ],
        },
        "paywall prompt": {
            "strong": [
                "paywall", "subscriber", "subscribers", "subscription", "subscriptions", "subscribe",
                "free articles", "premium", "unlimited access", "trial", "digital access",
            ],
            "weak": [
                "articles", "access", "unlimited", "plan", "offer", "account", "members", "member",
            ],
        },
        "newsletter sign-up": {
            "strong": [
                "newsletter", "newsletters", "inbox", "e-mail address", "email address", "unsubscribe",
            ],
            "weak": [
                "email", "e-mail", "daily", "weekly", "briefing", "updates", "sign up", "signup",
            ],
        },
        "cookie banner": {
            "strong": [
                "cookies", "cookie", "consent", "privacy policy", "terms of service", "terms of use", "gdpr",
            ],
            "weak": [
                "privacy", "preferences", "settings", "browsing", "website", "browser", "experience", "partners",
            ],
        },
        "social-share buttons": {
            "strong": [
                "facebook", "twitter", "whatsapp", "telegram", "linkedin", "instagram", "pinterest", "reddit",
                "tiktok", "youtube",
            ],
            "weak": [
                "share", "follow", "tweet", "social",
            ],
        },
        "app promo": {
            "strong": [
                "app store", "google play", "mobile app", "our app", "notifications",
            ],
            "weak": [
                "app", "apps", "download", "install", "alerts", "android", "iphone", "ios", "qr code", "e-paper",
            ],
        },
        "comment widget": {
            "strong": [
                "comments", "commenting", "community guidelines",
            ],
            "weak": [
                "comment", "conversation", "discussion", "reply", "replies", "moderated",
            ],
        },
        "advertisement": {
            "strong": [
                "advertisement", "advertisements", "advertising", "adblock", "ad blocker", "sponsored", "ads",
                "adblocker", "ad-blocker", "ad blockers", "whitelist", "allowlist",
            ],
            "weak": [
                "ad", "partner", "promoted",
            ],
        },
    },
}
