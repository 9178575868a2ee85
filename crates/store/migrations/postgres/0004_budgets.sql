-- Rate budgets shared by every app node (never keyed by anything about a client).
CREATE TABLE budgets (
    name TEXT PRIMARY KEY NOT NULL,
    window_start BIGINT NOT NULL,
    used BIGINT NOT NULL
);
