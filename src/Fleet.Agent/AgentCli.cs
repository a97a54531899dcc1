using System.Globalization;
using System.Text.Json;
using Fleet.Agent.Activation;
using Fleet.Agent.Daemon;
using Fleet.Agent.Health;
using Fleet.Agent.Secrets;
using Fleet.Protocol;

namespace Fleet.Agent;

/// <summary>
/// fleet-agent, the node side of fleet (docs/agent.md). It owns what happens on a node during
/// and after a deployment: activation with health checks, confirmation and rollback to the exact
/// previous system, and status. Results go to stdout (JSON with --json), progress to stderr.
/// </summary>
public static class AgentCli
{
    private const string Usage = """
        usage: fleet-agent COMMAND [options]
          activate --system STORE_PATH --goal switch|boot|test|dry-activate [--id ID]
                   [--health-checks FILE|-] [--health-timeout S] [--confirm-timeout S]
                   [--no-magic-rollback] [--no-rollback-on-health-failure] [--profile PATH] [--json]
          confirm [--id ID] [--json]
          reject --id ID [--wait S (30)] [--json]
          rollback [--profile PATH] [--json]
          status [--json]
          preview --system STORE_PATH [--closure] [--units] [--json]
          check --health-checks FILE|- [--health-timeout S] [--json]
          reboot
          daemon [--socket PATH] [--http ADDRESS:PORT] [--interval S] [--health-checks FILE]
          write-secret --dest PATH [--owner U] [--group G] [--mode 0400] [--salt S] [--allow-pending-owner]
                       (framed content on stdin: "fleet-secret 1 LENGTH\n", content, "sha256 HEX\n")
          secret-status --dest PATH [--salt S]
          remove-secret --dest PATH
          version
        """;

    private static readonly HashSet<string> s_flags = ["json", "no-magic-rollback", "no-rollback-on-health-failure", "allow-pending-owner", "closure", "units"];

    /// <summary>The options that take no value (for <see cref="AgentArguments.Parse"/>).</summary>
    public static IReadOnlySet<string> FlagNames => s_flags;

    /// <summary>Each command and the options it takes (for <see cref="AgentArguments.Parse"/>).</summary>
    public static IReadOnlyDictionary<string, string[]> Commands => s_commands;

    /// <summary>Each command and the options it takes (flags included): anything else is refused by name.</summary>
    private static readonly Dictionary<string, string[]> s_commands = new(StringComparer.Ordinal)
    {
        ["activate"] = ["id", "system", "goal", "health-checks", "health-timeout", "confirm-timeout", "no-magic-rollback", "no-rollback-on-health-failure", "profile", "json"],
        ["activate-worker"] = ["id", "system", "goal", "health-checks", "health-timeout", "confirm-timeout", "no-magic-rollback", "no-rollback-on-health-failure", "profile"],
        ["confirm"] = ["id", "json"],
        ["reject"] = ["id", "wait", "json"],
        ["rollback"] = ["profile", "json"],
        ["status"] = ["json"],
        ["preview"] = ["system", "closure", "units", "json"],
        ["check"] = ["health-checks", "health-timeout", "json"],
        ["reboot"] = [],
        ["daemon"] = ["socket", "http", "interval", "health-checks"],
        ["write-secret"] = ["dest", "owner", "group", "mode", "salt", "allow-pending-owner"],
        ["secret-status"] = ["dest", "salt"],
        ["remove-secret"] = ["dest"],
        ["version"] = [],
        ["help"] = [],
        ["--help"] = [],
        ["-h"] = [],
    };

    public static async Task<int> RunAsync(string[] args, AgentPaths? paths = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var files = new AgentFiles(paths ?? AgentPaths.Node);
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        try
        {
            var arguments = AgentArguments.Parse(args, s_flags, s_commands);
            return await DispatchAsync(arguments, files, cancellation.Token).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"fleet-agent: {e.Message}");
            if (args.Length == 0 || args[0].StartsWith('-') || !s_commands.ContainsKey(args[0]))
            {
                Console.Error.WriteLine(Usage);
            }

            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && args[0].Contains("secret", StringComparison.Ordinal))
        {
            // Messages name paths and errno only; the content is never in them.
            Console.Error.WriteLine($"fleet-agent: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (ActivationBusyException e)
        {
            Console.Error.WriteLine($"fleet-agent: {e.Message}");
            return ExitCodes.Busy;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine("fleet-agent: interrupted");
            return ExitCodes.Interrupted;
        }
    }

    private static async Task<int> DispatchAsync(AgentArguments a, AgentFiles files, CancellationToken cancellationToken)
    {
        switch (a.Command)
        {
            case "version":
                Console.WriteLine(FleetVersion.Current);
                return ExitCodes.Ok;
            case "status":
                return Status(files, a.Has("json"));
            case "preview":
                return await PreviewAsync(a, files, cancellationToken).ConfigureAwait(false);
            case "activate":
                return await new ActivationLauncher(files, a.Has("json"))
                    .RunAsync(ActivationRequest.FromArguments(a, files.Paths), cancellationToken).ConfigureAwait(false);
            case "activate-worker":
                return await new ActivationWorker(files, ActivationRequest.FromArguments(a, files.Paths), Console.Out)
                    .RunAsync(cancellationToken).ConfigureAwait(false);
            case "confirm":
            {
                var (record, code, message) = await new Confirmation(files).ConfirmAsync(a.Get("id"), cancellationToken).ConfigureAwait(false);
                return Report(record, code, message, a.Has("json"));
            }

            case "reject":
            {
                var id = ActivationRequest.CheckId(a.Get("id") ?? throw new UsageException("reject needs --id ID"));
                var wait = TimeSpan.FromSeconds(a.GetSeconds("wait", 30));
                var (record, code, message) = await new Rejection(files).RejectAsync(id, wait, cancellationToken).ConfigureAwait(false);
                return Report(record, code, message, a.Has("json"));
            }

            case "rollback":
            {
                var (record, code, message) = await new ManualRollback(files)
                    .RollBackAsync(a.Get("profile") ?? files.Paths.DefaultProfile, cancellationToken).ConfigureAwait(false);
                return Report(record, code, message, a.Has("json"));
            }

            case "reboot":
                return await SystemReboot.RunAsync(files, cancellationToken).ConfigureAwait(false);
            case "check":
                return await CheckAsync(a, cancellationToken).ConfigureAwait(false);
            case "daemon":
                return await DaemonAsync(a, files, cancellationToken).ConfigureAwait(false);
            case "write-secret" or "secret-status" or "remove-secret":
                return OperatingSystem.IsLinux()
                    ? await SecretAsync(a, files, cancellationToken).ConfigureAwait(false)
                    : throw new UsageException($"{a.Command} works on Linux only");
            case "help" or "--help" or "-h":
                Console.WriteLine(Usage);
                return ExitCodes.Ok;
            default:
                throw new UsageException($"unknown command '{a.Command}'");
        }
    }

    /// <summary>write-secret, secret-status, remove-secret: the content only ever comes from stdin.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static async Task<int> SecretAsync(AgentArguments a, AgentFiles files, CancellationToken cancellationToken)
    {
        var secrets = new SecretFiles(files);
        SecretStatus result;
        switch (a.Command)
        {
            case "write-secret":
                await using (var input = Console.OpenStandardInput())
                {
                    result = await secrets.WriteAsync(
                        a.Require("dest"), a.Get("owner") ?? "root", a.Get("group") ?? "root", a.Get("mode") ?? "0400", a.Get("salt") ?? "",
                        a.Has("allow-pending-owner"), input, cancellationToken).ConfigureAwait(false);
                }

                break;
            case "secret-status":
                result = await secrets.StatusAsync(a.Require("dest"), a.Get("salt") ?? "", cancellationToken).ConfigureAwait(false);
                break;
            default:
                secrets.Remove(a.Require("dest"));
                result = new SecretStatus(false);
                break;
        }

        Console.WriteLine(JsonSerializer.Serialize(result, AgentJsonContext.Default.SecretStatus));
        return ExitCodes.Ok;
    }

    private static int Status(AgentFiles files, bool json)
    {
        var status = StatusReader.Read(files);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(status, AgentJsonContext.Default.StatusReport));
            return ExitCodes.Ok;
        }

        Console.WriteLine($"current system:  {status.CurrentSystem ?? "(none)"}");
        Console.WriteLine($"profile:         {status.ProfileSystem ?? "(none)"} (generation {status.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-"})");
        Console.WriteLine($"previous system: {status.PreviousSystem ?? "(unknown)"}");
        if (status.LastActivation is { } last)
        {
            Console.WriteLine($"last activation: {last.Id} {last.Outcome} at {last.End ?? last.Start:O}{(last.Message is null ? string.Empty : ": " + last.Message)}");
        }

        if (status.Pending is { } pending)
        {
            Console.WriteLine($"pending:         {pending.Id} {pending.State}{(pending.Deadline is { } d ? $" until {d:O}" : string.Empty)}");
        }

        foreach (var result in status.Health?.Results ?? [])
        {
            Console.WriteLine($"check {result.Name}: {(result.Ok ? "ok" : "FAILED: " + result.Message)}");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> PreviewAsync(AgentArguments a, AgentFiles files, CancellationToken cancellationToken)
    {
        var system = ActivationPreview.CheckSystem(a.Get("system"));
        var (preview, code, message) = await new ActivationPreview(files)
            .RunAsync(system, a.Has("closure"), a.Has("units"), cancellationToken).ConfigureAwait(false);
        if (preview is null)
        {
            Console.Error.WriteLine($"fleet-agent: {message}");
            return code;
        }

        if (a.Has("json"))
        {
            Console.WriteLine(preview.ToJson());
            return code;
        }

        foreach (var line in preview.Output)
        {
            Console.WriteLine(line);
        }

        var change = preview.Change;
        Console.WriteLine($"current system:  {change.Current ?? "(none)"}");
        Console.WriteLine($"new system:      {change.New}");
        if (change.Reboot is { } reboot)
        {
            Console.WriteLine(reboot.Needed ? $"reboot needed:   {string.Join(", ", reboot.Changed)} changed" : "no reboot needed");
        }

        foreach (var p in change.Closure?.Packages ?? [])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.Name}: {(p.Before.IsEmpty ? "(none)" : string.Join(", ", p.Before))} -> {(p.After.IsEmpty ? "(none)" : string.Join(", ", p.After))}, {p.SizeDelta:+#;-#;0} bytes"));
        }

        return code;
    }

    private static async Task<int> CheckAsync(AgentArguments a, CancellationToken cancellationToken)
    {
        var checks = await HealthCheckFile.LoadAsync(a.Require("health-checks"), cancellationToken).ConfigureAwait(false);
        using var runner = new HealthCheckRunner();
        var report = await runner.RunAsync(
            checks,
            TimeSpan.FromSeconds(a.GetSeconds("health-timeout", 120)),
            cancellationToken,
            r => Console.Error.WriteLine($"check {r.Name}: {(r.Ok ? "ok" : "FAILED: " + r.Message)} ({r.Attempts} attempt(s))")).ConfigureAwait(false);
        if (a.Has("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(report, AgentJsonContext.Default.HealthReport));
        }

        return report.Ok ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<int> DaemonAsync(AgentArguments a, AgentFiles files, CancellationToken cancellationToken)
    {
        var checks = await HealthCheckFile.LoadAsync(a.Get("health-checks"), cancellationToken).ConfigureAwait(false);
        var interval = TimeSpan.FromSeconds(Math.Max(1, a.GetSeconds("interval", 30)));
        var http = a.Get("http") is { } listen ? StatusHttpServer.ParseEndPoint(listen) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
        await new AgentDaemon(files, checks, interval)
            .RunAsync(a.Get("socket") ?? files.Paths.DefaultSocket, http, stop.Token, where => Console.Error.WriteLine($"fleet-agent: daemon listening on {where}"))
            .ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static int Report(ActivationRecord? record, int code, string message, bool json)
    {
        if (json)
        {
            Console.WriteLine(record is null ? "null" : JsonSerializer.Serialize(record, AgentJsonContext.Default.ActivationRecord));
        }

        Console.Error.WriteLine($"fleet-agent: {message}");
        return code;
    }
}
