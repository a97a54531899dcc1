using System.Globalization;
using Fleet.Processes;

namespace Fleet.Nodes;

/// <summary>
/// Reads a store path's closure and each path's NAR size from the local store, with the
/// long-standing `nix-store --query --requisites` and `--size` (no experimental features needed).
/// </summary>
public sealed class ClosureReader
{
    private const int PathsPerQuery = 500;
    private readonly ProcessRunner _runner;
    private readonly string _nixStore;

    /// <param name="nixStore">The nix-store program (a node's agent finds the running system's).</param>
    public ClosureReader(ProcessRunner runner, string nixStore = "nix-store")
    {
        _runner = runner;
        _nixStore = nixStore;
    }

    /// <summary>Whether `path` is in this store (valid: registered, not merely a leftover directory).</summary>
    public async Task<bool> HasAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            return false;
        }

        var check = await _runner.RunAsync(ProcessSpec.Create(_nixStore, "--check-validity", path), cancellationToken).ConfigureAwait(false);
        return check.Succeeded;
    }

    /// <summary>Every path of `path`'s closure with its NAR size; throws <see cref="ProcessFailedException"/> when nix-store fails.</summary>
    public async Task<IReadOnlyList<StorePathSize>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var requisites = await _runner.RunCheckedAsync(ProcessSpec.Create(_nixStore, "--query", "--requisites", path), cancellationToken).ConfigureAwait(false);
        var paths = Lines(requisites.StandardOutput);
        var sizes = new List<StorePathSize>(paths.Count);
        foreach (var chunk in paths.Chunk(PathsPerQuery))
        {
            var query = await _runner.RunCheckedAsync(ProcessSpec.Create(_nixStore, ["--query", "--size", .. chunk]), cancellationToken).ConfigureAwait(false);
            var numbers = Lines(query.StandardOutput);
            if (numbers.Count != chunk.Length)
            {
                throw new InvalidDataException($"nix-store --query --size gave {numbers.Count} sizes for {chunk.Length} paths of {path}'s closure");
            }

            sizes.AddRange(chunk.Zip(numbers, (p, n) => new StorePathSize(p, long.Parse(n, NumberStyles.None, CultureInfo.InvariantCulture))));
        }

        return sizes;
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
