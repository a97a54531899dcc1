using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Fleet.Agent.Health;
using Fleet.Processes;

namespace Fleet.Agent.Activation;

/// <summary>
/// The foreground half of `activate`: validates the request, starts the worker detached
/// (setsid, stdio on the activation log) and follows the log, relaying each event, until the
/// worker awaits confirmation or finishes. Its exit code says which; if it is killed (the SSH
/// connection dropped) the worker carries on.
/// </summary>
public sealed class ActivationLauncher
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private readonly AgentFiles _files;
    private readonly bool _json;

    public ActivationLauncher(AgentFiles files, bool json)
    {
        _files = files;
        _json = json;
    }

    public async Task<int> RunAsync(ActivationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var checks = await HealthCheckFile.LoadAsync(request.ChecksFile, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(_files.Paths.RunDirectory);
        Directory.CreateDirectory(_files.Paths.LogDirectory);
        string? checksFile = null;
        if (request.ChecksFile is not null)
        {
            checksFile = Path.Combine(_files.Paths.RunDirectory, $"checks-{request.Id}.json");
            AgentFiles.Write(checksFile, [.. checks], AgentJsonContext.Default.HealthCheckArray);
        }

        var log = _files.Paths.LogFile(request.Id);
        if (File.Exists(log))
        {
            throw new UsageException($"activation {request.Id} already exists ({log}); use a new --id");
        }

        await File.WriteAllTextAsync(log, string.Empty, cancellationToken).ConfigureAwait(false);
        await StartWorkerAsync(request, checksFile, log, cancellationToken).ConfigureAwait(false);
        return await FollowAsync(log, cancellationToken).ConfigureAwait(false);
    }

    private static async Task StartWorkerAsync(ActivationRequest request, string? checksFile, string log, CancellationToken cancellationToken)
    {
        // setsid -f: a new session, not a child of this process nor of sshd's session. The fixed
        // shell line only moves the worker's stdio onto the log; every value travels as argv.
        var spec = ProcessSpec.Create(
            ToolLocator.Find("setsid"),
            ["-f", "/bin/sh", "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "fleet-agent-worker", log,
             .. SelfCommand(), "activate-worker", .. request.ToArguments(checksFile)]);
        var result = await new ProcessRunner().RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"could not start the activation worker: {spec.Display} exited with {result.ExitCode}: {result.StandardError.Trim()}");
        }
    }

    /// <summary>How to run this program again: the native binary, or `dotnet fleet-agent.dll` when not published.</summary>
    public static ImmutableArray<string> SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the fleet-agent executable");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "fleet-agent.dll")]
            : [process];
    }

    private async Task<int> FollowAsync(string log, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[8192];
        var partial = new StringBuilder();
        int? workerPid = null;
        var since = DateTimeOffset.UtcNow;
        var workerGone = false;
        while (true)
        {
            var read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                partial.Append(buffer, 0, read);
                // Only whole lines: the worker may be half way through writing one.
                while (partial.ToString().IndexOf('\n', StringComparison.Ordinal) is var newline and >= 0)
                {
                    var line = partial.ToString(0, newline);
                    partial.Remove(0, newline + 1);
                    var activationEvent = Relay(line);
                    if (activationEvent is { Event: "started", Pid: { } started })
                    {
                        workerPid = started;
                    }

                    if (activationEvent is { IsTerminal: true })
                    {
                        return ExitCodeOf(activationEvent);
                    }
                }

                continue;
            }

            if (workerGone)
            {
                Console.Error.WriteLine($"fleet-agent: the activation worker (pid {workerPid}) ended without an outcome; see {log}");
                return ExitCodes.Failed;
            }

            if (workerPid is null && DateTimeOffset.UtcNow - since > s_startTimeout)
            {
                Console.Error.WriteLine($"fleet-agent: the activation worker did not start; see {log}");
                return ExitCodes.Failed;
            }

            // Gone: one more pass over what it left, then give up.
            workerGone = workerPid is { } pid && !Directory.Exists($"/proc/{pid}");
            if (!workerGone)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static int ExitCodeOf(ActivationEvent activationEvent) =>
        activationEvent.Event == "awaiting-confirmation" ? ExitCodes.Ok : activationEvent.ExitCode ?? ExitCodes.Failed;

    private ActivationEvent? Relay(string line)
    {
        ActivationEvent? activationEvent = null;
        try
        {
            activationEvent = JsonSerializer.Deserialize(line, AgentJsonContext.Default.ActivationEvent);
        }
        catch (JsonException)
        {
        }

        activationEvent ??= new ActivationEvent("output") { Stream = "worker", Line = line };
        if (_json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(activationEvent, AgentJsonContext.Default.ActivationEvent));
            Console.Out.Flush();
        }

        Console.Error.WriteLine(ActivationEventText.Render(activationEvent));
        return activationEvent;
    }
}
