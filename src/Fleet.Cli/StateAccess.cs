using System.CommandLine;
using Fleet.State;

namespace Fleet.Cli;

/// <summary>
/// How each verb may open the state. Reading verbs never create one: an explicit path (--state,
/// FLEET_STATE) in a missing directory is refused as the mistake it most likely is, and a missing
/// database reads as empty without anything written. Writing verbs create the database, and its
/// key, in an existing directory (the default .fleet/ is created too), and say so.
/// </summary>
internal static class StateAccess
{
    /// <summary>The state, or an empty in-memory stand-in (<see cref="StateStore.IsEphemeral"/>) when there is none yet.</summary>
    public static async Task<StateStore> OpenForReadingAsync(ParseResult parse, CancellationToken cancellationToken) =>
        await OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false)
            ?? await StateStore.OpenEmptyAsync(FleetOptions.StatePath(parse), cancellationToken).ConfigureAwait(false);

    /// <summary>The state, or null when there is none yet.</summary>
    public static async Task<StateStore?> OpenExistingAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var path = FleetOptions.StatePath(parse);
        if (File.Exists(path))
        {
            return await StateStore.OpenAsync(path, StateCreation.None, cancellationToken).ConfigureAwait(false);
        }

        if (!FleetOptions.IsDefaultStatePath(parse) && !Directory.Exists(Path.GetDirectoryName(path)))
        {
            throw new StateNotFoundException(path, directoryMissing: true);
        }

        return null;
    }

    /// <summary>The state on disk, created if missing (with a line on stderr saying where).</summary>
    public static async Task<StateStore> OpenForWritingAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var path = FleetOptions.StatePath(parse);
        var creation = FleetOptions.IsDefaultStatePath(parse) ? StateCreation.FileAndDirectory : StateCreation.File;
        var store = await StateStore.OpenAsync(path, creation, cancellationToken).ConfigureAwait(false);
        if (store.Created)
        {
            await Console.Error.WriteLineAsync($"creating a new state at {path}").ConfigureAwait(false);
        }

        return store;
    }
}
