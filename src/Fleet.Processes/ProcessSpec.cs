using System.Collections.Immutable;

namespace Fleet.Processes;

/// <summary>
/// One child process to run: an argv list (never a shell string), its environment, its input,
/// and the values that must be masked wherever the command is logged.
/// </summary>
public sealed record ProcessSpec(string FileName, ImmutableArray<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    public ImmutableDictionary<string, string?> Environment { get; init; } =
        ImmutableDictionary<string, string?>.Empty;

    /// <summary>Bytes written to standard input, which is then closed. Null leaves stdin empty.</summary>
    public ReadOnlyMemory<byte>? StandardInput { get; init; }

    /// <summary>Strings replaced by *** in every log line and in <see cref="Display"/>.</summary>
    public ImmutableArray<string> Secrets { get; init; } = [];

    /// <summary>How long SIGINT and then SIGTERM are each given before the tree is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Start the child as the leader of a new session and process group (its pid is both ids),
    /// with no controlling terminal: a terminal's Ctrl-C does not reach it, and a stop signals its
    /// whole group. See <see cref="ProcessRunner"/> for who gets one.
    /// </summary>
    public bool OwnSession { get; init; }

    public static ProcessSpec Create(string fileName, params IEnumerable<string> arguments) =>
        new(fileName, [.. arguments]);

    public ProcessSpec WithArguments(params IEnumerable<string> arguments) =>
        this with { Arguments = Arguments.AddRange(arguments) };

    public ProcessSpec WithEnvironment(string name, string? value) =>
        this with { Environment = Environment.SetItem(name, value) };

    public ProcessSpec WithInput(ReadOnlyMemory<byte> input) => this with { StandardInput = input };

    public ProcessSpec WithWorkingDirectory(string directory) => this with { WorkingDirectory = directory };

    /// <summary>This child in a session of its own (<see cref="OwnSession"/>).</summary>
    public ProcessSpec InOwnSession() => this with { OwnSession = true };

    public ProcessSpec WithSecret(string secret) =>
        string.IsNullOrEmpty(secret) ? this : this with { Secrets = Secrets.Add(secret) };

    /// <summary>The command as a shell-like line for logs, quoted and with secrets masked.</summary>
    public string Display => Mask(string.Join(' ', new[] { FileName }.Concat(Arguments).Select(ShellQuote)));

    public string Mask(string text)
    {
        foreach (var secret in Secrets)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>A word quoted for a POSIX shell (as ssh hands the remote command to one); plain words stay bare.</summary>
    public static string ShellQuote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@+,%".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
