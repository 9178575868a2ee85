# Shared terms and messages used across the public site, the console and the API.
-product = Netreach

language-name = English
language-other = Русский

footer-privacy = We never store IP addresses or anything else that identifies you. This site works without JavaScript.

duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
duration-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
within-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
within-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
within-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}

error-title-400 = Something is wrong with the request
error-title-403 = Not allowed
error-title-404 = Page not found
error-title-405 = Not possible here
error-title-413 = Too much text
error-title-429 = Too many attempts
error-title-503 = Busy right now
error-title-500 = Something went wrong on our side
error-body-400 = The request could not be understood. Go back and check what you entered.
error-body-403 = You do not have permission to open this page.
error-body-404 = There is nothing at this address. Check the link, or start again from the home page.
error-body-405 = This page cannot be used this way.
error-body-413 = What you sent is too long. Shorten it and try again.
error-body-415 = Send the request as JSON (Content-Type: application/json).
error-body-421 = This address is not the service's own. Open the service through the address your organisation gave you.
error-body-429 = Too many attempts. Wait a little and try again.
error-body-503 = The service cannot answer right now (it is busy or its database is unavailable). Wait a minute and try again.
error-body-500 = Please try again in a moment. If it keeps happening, tell the team the request id below.
error-unauthorized = Sign in first: the token is missing, wrong or expired.
error-cross-site = This form was sent from another site, so it was refused. Open the page on this site and try again.
error-account-locked = Too many wrong passwords for this account. Wait a few minutes and try again.
error-request-id = Request id: { $id }
error-back-home = Back to the home page
