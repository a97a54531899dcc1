using System.Collections.Immutable;

namespace Fleet.State;

/// <summary>
/// The schema as ordered migration steps. Step i brings a database from version i to i + 1
/// (PRAGMA user_version). Steps are only ever appended, never edited once released.
/// </summary>
internal static class StateSchema
{
    public static ImmutableArray<string> Steps { get; } =
    [
        // 1: resources, runs and their events, the lock row, the change serial.
        """
        CREATE TABLE runs (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            kind        TEXT NOT NULL,
            arguments   TEXT NOT NULL,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            outcome     TEXT,
            holder      TEXT NOT NULL
        );
        CREATE TABLE resources (
            id          TEXT PRIMARY KEY,
            type        TEXT NOT NULL,
            provider    TEXT NOT NULL,
            node        TEXT,
            inputs      TEXT NOT NULL CHECK (json_valid(inputs)),
            outputs     TEXT NOT NULL CHECK (json_valid(outputs)),
            status      TEXT NOT NULL CHECK (status IN ('ready', 'failed', 'tainted')),
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            last_run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL
        );
        CREATE TABLE events (
            run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            seq         INTEGER NOT NULL,
            at          TEXT NOT NULL,
            resource_id TEXT,
            kind        TEXT NOT NULL,
            message     TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE lock (
            id            INTEGER PRIMARY KEY CHECK (id = 1),
            purpose       TEXT NOT NULL,
            user          TEXT NOT NULL,
            host          TEXT NOT NULL,
            pid           INTEGER NOT NULL,
            process_start TEXT NOT NULL,
            process_key   TEXT,
            acquired_at   TEXT NOT NULL,
            token         TEXT NOT NULL
        );
        CREATE TABLE meta (
            id     INTEGER PRIMARY KEY CHECK (id = 1),
            serial INTEGER NOT NULL
        );
        INSERT INTO meta (id, serial) VALUES (1, 0);
        """,

        // 2: each resource's dependencies when it was last applied (a JSON array of ids), so
        // deletes can run in reverse dependency order. Rows from before have none recorded.
        """
        ALTER TABLE resources ADD COLUMN dependencies TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(dependencies));
        """,
    ];

    public static int CurrentVersion => Steps.Length;
}
