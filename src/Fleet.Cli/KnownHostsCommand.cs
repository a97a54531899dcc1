using System.CommandLine;
using System.Globalization;
using Fleet.Nodes;
using Fleet.Processes;

namespace Fleet.Cli;

/// <summary>
/// `fleet known-hosts import [--on SEL] [--from FILE]`: copies the host keys of the selected
/// nodes that an existing known_hosts file (yours, by default) already trusts into the fleet's
/// own known_hosts, so a fleet moving to fleet keeps the keys it verified instead of trusting
/// on first use again. Lines are copied as they are (hashed ones too); nodes with a pinned
/// `deployment.hostKey` are left alone.
/// </summary>
internal static class KnownHostsCommand
{
    private static readonly Option<string?> s_from = new("--from")
    {
        Description = "The known_hosts file to copy keys from (default: ~/.ssh/known_hosts)",
    };

    public static Command Create()
    {
        var import = new Command("import", "Copy the selected nodes' host keys from a known_hosts file into the fleet's known_hosts");
        import.Options.Add(FleetOptions.On);
        import.Options.Add(s_from);
        import.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(() => ImportAsync(parse, cancellationToken)));
        var command = new Command("known-hosts", "The fleet's own known_hosts (beside the state database)");
        command.Subcommands.Add(import);
        return command;
    }

    private static async Task<int> ImportAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var from = Path.GetFullPath(parse.GetValue(s_from)
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts"));
        if (!File.Exists(from))
        {
            throw new Engine.Errors.FleetException($"--from {from}: no such file");
        }

        var nodes = await NodeAccess.SelectAsync(parse, cancellationToken).ConfigureAwait(false);
        var fleetFile = SshConnections.KnownHostsFile;
        var runner = FleetOptions.Runner(parse);
        await using var ssh = new SshConnections();
        var lines = new List<string>();
        var missing = 0;
        foreach (var node in nodes)
        {
            if (node.Target.Host is null)
            {
                Console.WriteLine($"{node.Name}: no targetHost (deployed only with fleet apply-local), nothing to import");
                continue;
            }

            if (node.Target.HostKey is not null)
            {
                Console.WriteLine($"{node.Name}: pinned in config (deployment.hostKey), nothing to import");
                continue;
            }

            var name = await KnownHostsNameAsync(runner, ssh, node.Target, cancellationToken).ConfigureAwait(false);
            if ((await FindAsync(runner, name, fleetFile, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                Console.WriteLine($"{node.Name}: {name} already known to the fleet");
                continue;
            }

            var found = await FindAsync(runner, name, from, cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                missing++;
                await Console.Error.WriteLineAsync($"{node.Name}: {name} is not in {from}").ConfigureAwait(false);
                continue;
            }

            lines.AddRange(found);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{node.Name}: {name}, {found.Count} key(s) imported"));
        }

        if (lines.Count > 0)
        {
            // Whole file or nothing: a temporary file beside it, renamed over it.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(fleetFile))!);
            var existing = File.Exists(fleetFile) ? await File.ReadAllTextAsync(fleetFile, cancellationToken).ConfigureAwait(false) : "";
            var temporary = fleetFile + ".tmp";
            var separator = existing.Length == 0 || existing.EndsWith('\n') ? "" : "\n";
            await File.WriteAllTextAsync(temporary, existing + separator + string.Join('\n', lines) + "\n", cancellationToken).ConfigureAwait(false);
            File.Move(temporary, fleetFile, overwrite: true);
            Console.WriteLine($"wrote {fleetFile}");
        }

        return missing == 0 ? FleetCli.ExitOk : FleetCli.ExitFailed;
    }

    /// <summary>The name ssh looks a node up by in known_hosts: its HostKeyAlias, else [host]:port or host (after ssh_config).</summary>
    private static async Task<string> KnownHostsNameAsync(ProcessRunner runner, SshConnections ssh, SshTarget target, CancellationToken cancellationToken)
    {
        var config = await runner.RunCheckedAsync(
            ProcessSpec.Create("ssh", [.. ssh.Options(target, fresh: true), "-G", target.Destination]), cancellationToken).ConfigureAwait(false);
        string? Value(string key) => config.StandardOutput.Split('\n')
            .Select(l => l.Split(' ', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0] == key)?[1].Trim();
        if (Value("hostkeyalias") is { Length: > 0 } alias && alias != "none")
        {
            return alias;
        }

        var host = Value("hostname") ?? target.Host!;
        return Value("port") is { } port && port != "22" ? $"[{host}]:{port}" : host;
    }

    /// <summary>The lines of `file` for `name` (ssh-keygen -F reads hashed entries too); none when absent.</summary>
    private static async Task<IReadOnlyList<string>> FindAsync(ProcessRunner runner, string name, string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        var result = await runner.RunAsync(ProcessSpec.Create("ssh-keygen", "-F", name, "-f", file), cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? [.. result.StandardOutput.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))]
            : [];
    }
}
