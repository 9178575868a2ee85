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
