# The public site (no JavaScript).
home-title = Home
home-heading = Anonymous help and information about drugs
home-intro = We are a harm-reduction team. We talk with people who use drugs without judgement, and without asking who you are.
home-privacy-heading = How we protect you
home-privacy-no-account = No account, no phone number, no email: you never tell us who you are.
home-privacy-no-ip = We do not store your IP address, your browser's name or where you came from.
home-privacy-no-js = The site works in Tor Browser at the "Safest" level, with JavaScript off.
home-emergency-heading = In an emergency
home-emergency-body = If someone is not breathing, cannot be woken, or has lips turning blue, call your local emergency number now and stay with them.

error-message-empty = Write a message first.
error-message-too-long = The message is too long. Shorten it or split it into two messages.
error-message-is-codename = This looks like your codename. Never send it as a message: it is the only key to your conversation.
error-codename-not-found = No conversation was found for this codename. Check the words and try again.
error-codename-required = Send your codename in the Authorization header: Codename followed by the seven words.
error-not-ready = The team has not finished setting up yet. Please try again later.
error-topic = Choose what your question is about.

nav-ask = Ask a question
nav-return = I have a codename

ask-title = Ask a question
ask-intro = Write to our outreach team. You do not need an account, a name, a phone number or an email address.
ask-emergency-hint = If someone may be overdosing right now, choose "Overdose or emergency": you will see first aid straight away.
ask-topic = What is it about?
ask-message = Your question
ask-more = Add details (optional)
ask-substances = What was taken, or what you plan to take
ask-amount = How much
ask-when = When
ask-happening = What is happening now
ask-lang = Answer me in
ask-honeypot = Leave this field empty
ask-privacy = You will get a codename of seven words. It is the only way back to this conversation: we never store it and cannot recover it. Messages are stored encrypted and deleted after the conversation ends.
ask-submit = Send
ask-have-codename = I already have a codename

topic-overdose = Overdose or emergency
topic-injection = Injecting, veins and wounds
topic-substances = Substances and mixing them
topic-checking = Drug checking
topic-infections = HIV, hepatitis and other infections
topic-mental_health = Mental health
topic-legal = Legal questions
topic-supplies = Supplies (needles, naloxone, tests)
topic-other = Something else

codename-title = Your codename
codename-intro = Your message was sent. This is your codename:
codename-keep = Write it down or keep it somewhere safe. You need it to read the answer.
codename-never-shown = We will never show it again, and we cannot recover it.
codename-secret = Anyone with these words can read this conversation. Do not share them.
codename-confirm = To check you saved it, type word number { $position }.
codename-continue = Continue to my conversation

first-aid-heading = Possible overdose: do this now
first-aid-call = Call an ambulance: { $number }.
first-aid-check = Check: shout their name and rub the middle of their chest hard. Look for pinpoint pupils, no response, slow or no breathing, blue or grey lips.
first-aid-breathing = If they are not breathing or breathe abnormally, give rescue breaths (about one every five seconds) or start CPR.
first-aid-naloxone = If you have naloxone, give it. If there is no response after two to three minutes, give another dose.
first-aid-position = Once they breathe on their own, put them in the recovery position: on their side, top knee bent, head tilted back.
first-aid-stay = Stay with them until help arrives. Naloxone can wear off before the drug does.
first-aid-sources = Sources: WHO, Community management of opioid overdose (2014); SAMHSA, Overdose Prevention and Response Toolkit. This is first-aid information, not medical advice.

enter-title = Return to your conversation
enter-intro = Enter the seven words of your codename. Capital letters and extra spaces do not matter.
enter-codename = Codename
enter-submit = Open my conversation
enter-new = Start a new conversation
enter-unsent = Your message was not sent. Copy it before you go on:

thread-title = Your conversation
thread-status = Status
thread-intake = What you told us at the start
thread-you = You
thread-team = Outreach team
thread-waiting = A worker will answer here. Come back later with your codename.
thread-reply = Write a message
thread-send = Send
thread-solve = My question is answered
thread-rate = Rate the help (optional)
thread-rate-legend = How helpful was it? (1 = not at all, 5 = very)
thread-rate-comment = Comment (optional)
thread-rate-submit = Send rating
thread-delete = Delete this conversation now
thread-delete-warning = Every message will be deleted for good, on our side too. This cannot be undone.
thread-delete-confirm = Yes, delete everything now
thread-delete-submit = Delete now
thread-leave = Leave (sign out on this device)

status-new = sent, waiting for the first answer
status-open = open
status-waiting_for_client = answered
status-solved = solved
status-archived = closed

thanks-body = Thank you. Your message was received.
deleted-title = Conversation deleted
deleted-body = Your conversation and every message in it were deleted.

error-confirm-word = That word does not match. Check the codename above and try again.
error-session-ended = Your session ended (it lasts two hours at most). Enter your codename again.
error-rating = Choose a rating from 1 to 5.
error-delete-confirm = Tick the box to confirm you want to delete everything.

home-online = The team is online now.
home-offline = The team is offline now.
home-away = The team is away for a while. You can still write: we will answer as soon as we are back.
home-back-at = Someone will answer from { $when }. You can write now.
home-typical-response = We usually send a first answer within { $time }.
home-emergency-number = Emergency number: { $number }.
error-lang = Choose a language: en or ru.
