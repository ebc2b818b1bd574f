"""The words of the sample practice (`coachlog demo`): people, and the sentences notes,
promises, reflections and pit-stops are composed from. All invented; any likeness to a
real person is chance. Placeholders: {first} the client's first name, {other} a colleague.
"""

from __future__ import annotations

from typing import Any

# (first names, surnames or None where the first is a full name, time zones, context)
PEOPLE: tuple[tuple[tuple[str, ...], tuple[str, ...] | None, tuple[str, ...], str], ...] = (
    (
        ("Zoë", "Maarten", "Freja", "Søren", "Lotte", "Sanne", "Bram", "Ingrid", "Jesper"),
        ("Achterberg", "de Vries", "Lindqvist", "Bakker", "Nielsen", "Visser", "Holm", "Dijkstra"),
        ("Europe/Amsterdam", "Europe/Copenhagen", "Europe/Stockholm"),
        "Dutch-Danish family; works in English at a logistics scale-up; plain speaking counts "
        "as respect at home.",
    ),
    (
        ("Łukasz", "Agnieszka", "Paweł", "Marta", "Wojciech", "Zofia", "Kacper", "Ola"),
        ("Nowak", "Kowalczyk", "Mazur", "Król", "Wójcik", "Dąbrowski", "Lewandowska", "Zając"),
        ("Europe/Warsaw",),
        "Engineering lead in Kraków; Polish at home, English at work; the first in the "
        "family to manage people.",
    ),
    (
        ("Siobhán", "Aoife", "Cillian", "Niamh", "Oisín", "Ciara", "Darragh", "Róisín"),
        ("Byrne", "O'Connor", "Walsh", "Ní Bhriain", "Murphy", "Kelly", "Ó Súilleabháin", "Doyle"),
        ("Europe/Dublin",),
        "Irish speaker; moved from a family business into a multinational; values loyalty "
        "and humour.",
    ),
    (
        (
            "李娜",
            *(
                f + g
                for f in "王张陈刘杨黄赵吴周徐"
                for g in ("芳", "伟", "静", "洋", "敏", "磊", "婷", "军", "丽", "涛")
            ),
        ),
        None,
        ("Asia/Shanghai", "Asia/Singapore"),
        "Mandarin first, English at work; heads a regional team across three countries; "
        "careful about saying no to seniors in public.",
    ),
    (
        ("Aroha", "Tane", "Mere", "Wiremu", "Hana", "Manaia", "Kiri", "Rawiri"),
        ("Ngata", "Parata", "Tawhiri", "Walker", "Te Huia", "Henare", "Paewai", "Tipene"),
        ("Pacific/Auckland",),
        "Māori; whānau and community commitments come first; leads a public health team in "
        "Rotorua.",
    ),
    (
        ("José", "Inês", "Mateus", "Beatriz", "João", "Leonor", "Tiago", "Raquel"),
        ("Pereira", "Mendes", "Carvalho", "Rocha", "Lima", "Ferreira", "Gonçalves", "Sousa"),
        ("Europe/Lisbon", "America/Sao_Paulo"),
        "Portuguese at home, English at work; recently promoted over former peers.",
    ),
    (
        ("Ngozi", "Kwame", "Olumide", "Amara", "Chidi", "Efua", "Tunde", "Abena"),
        ("Okafor", "Mensah", "Adeyemi", "Eze", "Boateng", "Owusu", "Balogun", "Nwosu"),
        ("Africa/Lagos", "Africa/Accra", "Europe/London"),
        "Moved from Lagos to London two years ago; the only Black person on the leadership "
        "team; church choir on Sundays is sacred.",
    ),
    (
        ("Priya", "Rahul", "Ananya", "Arjun", "Divya", "Kavya", "Vikram", "Meera"),
        ("Iyer", "Kapoor", "Menon", "Sharma", "Reddy", "Nair", "Banerjee", "Pillai"),
        ("Asia/Kolkata",),
        "Works from Bengaluru for a US company; calls start late in the evening; caring for "
        "a parent.",
    ),
    (
        ("Kenji", "Yuki", "Haruto", "Emi", "Sora", "Aiko", "Ren", "Mei"),
        ("Tanaka", "Sato", "Watanabe", "Mori", "Kobayashi", "Ito", "Nakamura", "Yamada"),
        ("Asia/Tokyo",),
        "Prefers to think before answering; silence is comfortable, not a problem to fix.",
    ),
    (
        ("Oğuz", "Elif", "Zeynep", "Emre", "Deniz", "Selin", "Burak", "Ayşe"),
        ("Yılmaz", "Demir", "Kaya", "Şahin", "Aydın", "Çelik", "Öztürk", "Arslan"),
        ("Europe/Istanbul",),
        "Runs a family-owned textile company with a sibling; Turkish and German.",
    ),
    (
        ("Layla", "Omar", "Malak", "Youssef", "Rania", "Karim", "Nour", "Samir"),
        ("Haddad", "Khoury", "Mansour", "Saleh", "Nasser", "Aziz", "Darwish", "Hakim"),
        ("Asia/Beirut", "Asia/Dubai"),
        "Arabic, French and English; fasting during Ramadan, so sessions move earlier then.",
    ),
    (
        ("Élodie", "Théo", "Mathilde", "Chloé", "Bastien", "Margaux", "Lucas", "Anaïs"),
        ("Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Rousseau", "Mercier", "Blanc"),
        ("Europe/Paris",),
        "Senior civil servant in Lyon; values rigour; hates being rushed.",
    ),
    (
        ("Sofía", "Diego", "Aaliyah", "Jordan", "Marcus", "Camila", "Andrés", "Taylor"),
        ("Ramírez", "Ortiz", "Brooks", "Johnson", "Navarro", "Hernández", "Carter", "Flores"),
        ("America/New_York", "America/Mexico_City", "America/Chicago"),
        "Founder of a 30-person design studio; bilingual; a first-generation graduate.",
    ),
)
PRONOUNS = ("she/her", "he/him", "they/them", "she/they", None)
STYLES = (
    "Thinks aloud; prefers written follow-ups.",
    "Direct; likes numbers and a clear next step.",
    "Needs time to reflect before answering; do not fill the silence.",
    "Storyteller; arrives with an anecdote and finds the point inside it.",
    "Quiet at first, opens up after ten minutes; asks for challenge.",
    "Prefers voice notes between sessions; reads nothing longer than a page.",
    "Formal in writing, warm in person.",
)
CHANNELS = ("Signal", "WhatsApp", "email", "Teams", "phone")
SPONSORS = (
    "Northwind Logistics",
    "Tessera Bank",
    "Ministry of Education",
    "Aster Health",
    "Kestrel Software",
)
COLLEAGUES = (
    "Priya",
    "Marcus",
    "Helena",
    "Tomasz",
    "Ama",
    "Rui",
    "Sven",
    "Kofi",
    "Mariana",
    "Dev",
    "Lotte",
    "the CFO",
    "their manager",
)

GOALS = {
    "delegation": "Lead a growing team without doing the work for them.",
    "boundaries": "Protect evenings and weekends without losing influence.",
    "confidence": "Speak up in leadership meetings and be heard the first time.",
    "feedback": "Give direct feedback early instead of letting things build up.",
    "career change": "Decide, within six months, whether to leave finance for teaching.",
    "conflict": "Repair the working relationship with a co-founder.",
    "visibility": "Make the team's work visible to the board.",
    "energy": "Find a pace that lasts: fewer late nights, more thinking time.",
    "decisions": "Make decisions with incomplete information and stand by them.",
    "leading peers": "Lead former peers after a promotion, with trust intact.",
    "presence": "Bring calm presence to difficult conversations.",
    "priorities": "Spend the week on what matters most, not on what is loudest.",
}
THEMES = tuple(GOALS)

OPENERS = (
    "{first} arrived tired after a long week and wanted to start with what went well.",
    "{first} came in energised; the board presentation had landed.",
    "We began late: {first}'s previous meeting overran, and that became part of the topic.",
    "{first} opened with a question they had been carrying since our last session.",
    "{first} was quieter than usual today, and said so.",
    "{first} brought a list. We chose one item and stayed with it.",
    "A difficult week: {first} had a hard conversation with {other} on Tuesday.",
    "{first} started by checking in on last time's commitments, unprompted.",
    "{first} joined from the car park between meetings; we agreed to keep it focused.",
)
OPEN = {
    "delegation": (
        "The team keeps bringing problems back to {first} instead of solving them.",
        "{first} rewrote {other}'s report again at midnight and felt resentful afterwards.",
        "Still the bottleneck on every approval; the queue was 40 items long on Monday.",
    ),
    "boundaries": (
        "Messages from {other} arrive at 22:00 and {first} answers within minutes.",
        "{first} said yes to two more projects this month and regretted both.",
        "The weekend disappeared again into 'just checking' email.",
    ),
    "confidence": (
        "In the leadership meeting {first} had the answer and did not say it.",
        "{first} describes the inner critic as 'a very efficient auditor'.",
        "A compliment from {other} was waved away within a second.",
    ),
    "feedback": (
        "{first} has been sitting on feedback for {other} for six weeks.",
        "The last feedback conversation went badly and {first} has avoided the next one.",
        "{first} asked how to say something hard without it sounding like blame.",
    ),
    "career change": (
        "{first} visited a school on Friday and came back lit up.",
        "The numbers for a year of retraining are on a spreadsheet {first} keeps reopening.",
        "{first}'s family is supportive in words and anxious in practice.",
    ),
    "conflict": (
        "{first} and {other} disagreed again in front of the team.",
        "The conflict with {other} is about pace more than about substance.",
        "{first} noticed they rehearse arguments with {other} in the shower.",
    ),
    "visibility": (
        "The team shipped the migration and nobody upstairs noticed.",
        "{first} was left off the invite for the strategy offsite.",
        "{first} dislikes self-promotion; calls it 'showing off'.",
    ),
    "energy": (
        "{first} has slept badly for two weeks and called the pace 'unsustainable'.",
        "Three evenings of work this week; the gym bag never left the car.",
        "{first} said the tiredness is more about meaning than about hours.",
    ),
    "decisions": (
        "A hiring decision has been open for a month while {first} waits for more data.",
        "{first} reversed a decision after {other} pushed back, and regrets it.",
        "Two good options, and {first} is afraid of choosing the wrong one.",
    ),
    "leading peers": (
        "{other}, a former peer, now reports to {first} and has gone quiet.",
        "Lunch with the old team feels awkward since the promotion.",
        "{first} is unsure how much to share with people who used to be equals.",
    ),
    "presence": (
        "In the budget meeting {first} felt the old tightness in the chest and rushed.",
        "{first} wants to stay calm when {other} raises their voice.",
        "{first} notices they talk faster when unsure.",
    ),
    "priorities": (
        "The week was eaten by urgent requests; the strategy paper did not move.",
        "{first} has eleven 'top priorities' and knows it.",
        "Calendar review: 31 hours of meetings, 2 hours of thinking time.",
    ),
}
EXPLORE = (
    "We looked at what {first} gains by staying the one who knows.",
    "I asked what would happen if nothing changed for a year. A long pause.",
    "We mapped who needs what from {first}, and what {first} needs from them.",
    "{first} tried saying the sentence aloud to me, then again more slowly.",
    "We explored the story {first} tells about {other}, and what else could be true.",
    "We used the empty chair: {first} spoke as {other} for a few minutes.",
    "I reflected back the word 'should', which came up seven times.",
    "We separated what is in {first}'s control from what is only in their influence.",
    "We named the values underneath: fairness, and being useful.",
    "I asked what a wiser version of {first}, five years on, would say about this.",
    "We looked at last month's calendar together and coloured it by energy.",
    "{first} described the body's signals in that meeting: jaw, shoulders, breath.",
    "We traced where the rule 'never ask for help' first came from.",
    "We rehearsed the opening line of the conversation with {other}.",
)
SHIFTS = (
    "Something shifted when {first} said: 'I don't have to earn my place every day.'",
    "{first} laughed at the spreadsheet and said the decision was already made.",
    "By the end, {first} could name the first small step without my help.",
    "{first} noticed that asking {other} for help felt like weakness and said it aloud.",
    "A quiet moment near the end; {first} said this was the first time it felt simple.",
    "{first} chose to try it for two weeks as an experiment, not a verdict.",
    "{first} left with more questions than answers, and seemed fine with that.",
    "The energy changed when we moved from 'why' to 'what would you like instead'.",
)
CLOSERS = (
    "We agreed what to look at next time.",
    "{first} will report back on the experiment.",
    "Closed with one word each: {first} chose 'lighter'.",
    "Ended on time; {first} asked for the same focus next session.",
    "We checked the commitments aloud before closing.",
)
ENGAGEMENT = (
    "First conversation: what coaching is and is not, how we will work, and what "
    "{first} hopes will be different in six months.",
    "We talked through confidentiality, including its limits, and what the sponsor will "
    "and will not hear from me.",
    "{first} asked about my background; I shared why I became a coach.",
    "We agreed to check in on how the coaching itself is going every couple of months.",
)
CLOSING = (
    "Last session. We looked back at where {first} started and what changed.",
    "{first} named three things they will keep doing without me.",
    "We said goodbye properly; {first} wrote a note to their future self.",
)
QUOTES = (
    "'I keep waiting to feel ready.'",
    "'If I don't do it, who will?'",
    "'It's not my place to say.'",
    "'I'm fine. Really.'",
    "'Maybe the problem is that I like being needed.'",
    "'I want them to like me and respect me, in that order.'",
)

REFLECTIONS = (
    "I rushed to fill a silence at minute 20; it was {first}'s thinking time, not mine.",
    "I offered a model too early. Next time, ask one more question first.",
    "I felt impatient when the story repeated, and I think {first} noticed.",
    "Good session for me: I followed rather than led.",
    "I caught myself wanting {first} to choose the option I would choose.",
    "I was tired and less present in the second half. Protect the slot before.",
    "I shared a story of my own; it helped, but I held the airtime too long.",
    "I did not ask about the cultural side of 'speaking up'; I assumed.",
    "Stayed with the emotion instead of moving to action. That was right.",
    "I noticed my own discomfort with conflict mirroring {first}'s.",
    "I over-prepared questions and under-listened.",
    "Let the pause run for a full minute. {first} found the answer in it.",
    "I named my mistake about last week's invite at the start; it cleared the air.",
    "Supervision topic: my need to be useful in every session.",
)

COACH_PROMISES = (
    "Send the calendar invite for the next session",
    "Send the article on {theme} we talked about",
    "Share the stakeholder map template",
    "Send a summary of today's agreements",
    "Introduce {first} to a peer who made the same move",
    "Share the feedback model (situation, behaviour, impact)",
    "Send the reading list on {theme}",
    "Find a short course on {theme} and send two options",
    "Send the values card exercise",
    "Move next session to the morning and confirm by email",
)
CLIENT_PROMISES = {
    "delegation": (
        "Hand the weekly report to {other} and not touch it",
        "List five tasks only {first} can do; delegate one other",
    ),
    "boundaries": (
        "No email after 20:00 for one week",
        "Say no to one new request, kindly",
    ),
    "confidence": (
        "Speak in the first ten minutes of the leadership meeting",
        "Write down three wins every Friday",
    ),
    "feedback": (
        "Have the feedback conversation with {other}",
        "Ask {other} for feedback on the presentation",
    ),
    "career change": (
        "Talk to two teachers about their first year",
        "Work out the numbers for a year of retraining",
    ),
    "conflict": (
        "Ask {other} for a one-to-one about how we decide",
        "Write what {first} wants from {other}, in one page",
    ),
    "visibility": (
        "Send the board a one-page update on the migration",
        "Ask to present the team's results at the offsite",
    ),
    "energy": (
        "Block two lunch breaks a week away from the desk",
        "Track energy at 11:00 and 16:00 for a week",
    ),
    "decisions": (
        "Decide on the hire by Friday, with what is known",
        "Write the decision and its reasons in five lines",
    ),
    "leading peers": (
        "Have a one-to-one with {other} about the new roles",
        "Ask the team what they need from a manager",
    ),
    "presence": (
        "Three slow breaths before the budget meeting",
        "Notice and name the tightness once a day",
    ),
    "priorities": (
        "Choose three priorities for the month and share them",
        "Move two recurring meetings to fortnightly",
    ),
}
REPAIRS = (
    "Owned it at the start of the next session and sent it the same day; invites now go "
    "out before I close the call.",
    "Apologised and sent it with a note; set a reminder so it does not happen again.",
    "Named it openly, asked what it cost {first}, and agreed a new date together.",
    "Sent it that evening with an apology; I now write promises down during the session.",
)
RELEASES = (
    "Agreed together that it no longer matters after the reorganisation.",
    "{first} found it elsewhere; released with thanks.",
    "Let go by agreement: the priorities changed.",
)
LATE_NOTES = (
    "Sent two days late; said so.",
    "Done, a little after the date.",
    "Kept, after a reminder.",
)

PITSTOP = {
    "working": (
        "The space to think out loud without being judged.",
        "That you remember what I said weeks ago and bring it back.",
        "The homework is small enough that I actually do it.",
        "Being challenged; nobody at work does that.",
    ),
    "not_working": (
        "Sometimes we run out of time just as it gets interesting.",
        "Evening sessions: I am too tired to think.",
        "Nothing I can name.",
        "I would like more structure at the start.",
    ),
    "more": (
        "More challenge, even when I push back.",
        "More time on the relationship with {other}.",
        "More silence. It helps.",
        "Practice: rehearsing real conversations.",
    ),
    "less": (
        "Less looking back at last week.",
        "Fewer models; more of my own examples.",
        "Less rushing at the end.",
        "Nothing, honestly.",
    ),
    "agreement_change": (
        "Move to every three weeks now that things are calmer.",
        "Add a short written check-in between sessions.",
        "Switch the sessions to the morning.",
        "Review the goals: the promotion changed what matters.",
    ),
}

LOGISTICS = (
    "Video call, 60 minutes. Rescheduling with 24 hours' notice; later cancellations are charged.",
    "In person at the client's office or by video, 60 minutes; 48 hours to move a session.",
    "Phone or video, 45 minutes, early mornings; either of us may move a session once a month.",
)
CONFIDENTIALITY = (
    "Everything said stays between us. I would break confidentiality only where someone's "
    "safety is at risk, and would tell you first.",
    "Session content is confidential. The sponsor hears only attendance and the goals you "
    "choose to share.",
)
COMMUNICATION = (
    "Signal between sessions for logistics; I answer within one working day.",
    "Email for anything longer than a line; I reply within 48 hours on weekdays.",
    "Short voice notes welcome; I listen the same day.",
)
COACH_RESP = (
    "Prepare, keep time, keep my word, and tell you when I think the coaching is not helping.",
    "Hold the space, challenge with care, follow through on what I offer.",
)
CLIENT_RESP = (
    "Bring a topic, do the work between sessions, and tell me what is not working.",
    "Arrive on time, be honest about what did not get done, and own the goals.",
)
FEES = (
    "€150 per session, invoiced monthly.",
    "Paid by the sponsor: a package of 12 sessions.",
    "£900 for six sessions, paid in advance; sliding scale agreed.",
    "US$200 per session; missed sessions without notice are charged.",
)
SPONSOR_REPORTING = (
    "Attendance and the three goals, nothing from the sessions themselves.",
    "A short mid-point and final summary written together with the client.",
)


def fill(rng: Any, text: str, first: str, theme: str = "") -> str:
    return text.format(first=first, other=rng.choice(COLLEAGUES), theme=theme)


def compose_notes(rng: Any, first: str, kind: str, themes: list[str]) -> str:
    """A few paragraphs of session notes in a coach's shorthand."""
    if kind == "engagement":
        return "\n\n".join(fill(rng, s, first) for s in ENGAGEMENT)
    main = themes[0]
    opening = [rng.choice(OPENERS), *rng.sample(OPEN[main], 2)]
    middle = rng.sample(EXPLORE, rng.randint(2, 3))
    if len(themes) > 1:
        middle.append(rng.choice(OPEN[themes[1]]))
    paragraphs = [opening, middle, [rng.choice(SHIFTS), rng.choice(CLOSERS)]]
    if rng.random() < 0.3:
        paragraphs.insert(2, [f"{first}: {rng.choice(QUOTES)}"])
    if kind == "closing":
        paragraphs = [list(CLOSING), *paragraphs[1:]]
    return "\n\n".join(" ".join(fill(rng, s, first) for s in p) for p in paragraphs)


# --- ICF (SPEC §9) ----------------------------------------------------------------------------

CONSENT_NOTES = (
    "verbal, at the engagement session",
    "in the coaching agreement",
    "by email, when the coaching began",
    "asked at the first pit-stop; happy to be listed",
)
# (title, provider) by kind of continuing education; "ethics" are Core entries marked ethics.
LEARNING = {
    "core": (
        ("Deepening active listening", "Coach Academy"),
        ("Powerful questions in practice", "ICF chapter meeting"),
        ("Evoking awareness: advanced practicum", "Coach Academy"),
        ("Establishing and maintaining agreements", "ICF Converge"),
        ("Cultivating trust and safety", "ICF chapter meeting"),
        ("Coaching presence: a live workshop", "Institute for Coaching Practice"),
    ),
    "ethics": (
        ("ICF Code of Ethics course", "ICF"),
        ("Ethics in team coaching: case studies", "ICF chapter meeting"),
    ),
    "resource": (
        ("Building a coaching practice", "Business of Coaching"),
        ("Introduction to personality assessments", "Assessment Institute"),
        ("Neuroscience of change (self-study)", "Online course"),
        ("Public speaking for coaches", "Toastmasters workshop"),
    ),
    "mentor": (
        ("Group mentor coaching", "Mentor Coach Circle"),
        ("One-to-one mentor coaching", "Mentor Coach Circle"),
    ),
    "supervision": (
        ("Coaching supervision group", "Supervision Collective"),
        ("Individual coaching supervision", "Supervision Collective"),
    ),
}
