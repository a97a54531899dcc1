using System.Collections.Immutable;
using System.Globalization;

namespace Fleet.Agent;

/// <summary>
/// argv, hand-parsed (the agent is published with NativeAOT and keeps no CLI framework):
/// a command, then `--name value` options and `--flag` switches.
/// </summary>
public sealed record AgentArguments(
    string Command,
    ImmutableDictionary<string, string> Options,
    ImmutableHashSet<string> Flags)
{
    /// <summary>Parses argv; <paramref name="flagNames"/> are the options that take no value.</summary>
    public static AgentArguments Parse(IReadOnlyList<string> argv, IReadOnlySet<string> flagNames) => Parse(argv, flagNames, null);

    /// <summary>
    /// Parses argv against <paramref name="commands"/> (each command's options, flags included):
    /// an unknown command or an option the command does not take is refused by name before any
    /// value is taken, so `status --bogus` is not "--bogus needs a value".
    /// </summary>
    public static AgentArguments Parse(IReadOnlyList<string> argv, IReadOnlySet<string> flagNames, IReadOnlyDictionary<string, string[]>? commands)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(flagNames);
        if (argv.Count == 0)
        {
            throw new UsageException("no command given");
        }

        string[]? known = null;
        if (commands is not null)
        {
            var names = string.Join(", ", commands.Keys.Where(c => !c.StartsWith('-')).Order(StringComparer.Ordinal));
            if (argv[0].StartsWith('-') && argv[0] is not ("--help" or "-h"))
            {
                throw new UsageException($"unknown option {argv[0]}: a command comes first (commands: {names})");
            }

            known = commands.TryGetValue(argv[0], out var takes) ? takes : throw new UsageException($"unknown command '{argv[0]}' (commands: {names})");
        }

        var options = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var flags = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        for (var i = 1; i < argv.Count; i++)
        {
            var argument = argv[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{argument}'");
            }

            var name = argument[2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (known is not null && !known.Contains(equals >= 0 ? name[..equals] : name))
            {
                throw new UsageException($"{argv[0]}: unknown option --{(equals >= 0 ? name[..equals] : name)} ({Takes(argv[0], known)})");
            }

            if (equals >= 0)
            {
                options[name[..equals]] = name[(equals + 1)..];
            }
            else if (flagNames.Contains(name))
            {
                flags.Add(name);
            }
            else if (i + 1 < argv.Count)
            {
                options[name] = argv[++i];
            }
            else
            {
                throw new UsageException($"option --{name} needs a value");
            }
        }

        return new AgentArguments(argv[0], options.ToImmutable(), flags.ToImmutable());
    }

    private static string Takes(string command, string[] known) =>
        known.Length == 0 ? $"{command} takes no options" : $"{command} takes {string.Join(", ", known.Select(o => "--" + o))}";

    public bool Has(string flag) => Flags.Contains(flag);

    public string? Get(string name) => Options.GetValueOrDefault(name);

    public string Require(string name) => Get(name) ?? throw new UsageException($"--{name} is required");

    /// <summary>
    /// The longest time an option may give: what a timer takes (CancelAfter, PeriodicTimer: just
    /// under 2^32 ms) and more than anyone waits for; anything longer is a usage error, not a crash.
    /// </summary>
    public const double MaxSeconds = 4_000_000;

    public double GetSeconds(string name, double fallback)
    {
        var text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= MaxSeconds
            ? seconds
            : throw new UsageException($"--{name} wants a number of seconds from 0 to {MaxSeconds.ToString(CultureInfo.InvariantCulture)}, not '{text}'");
    }

    /// <summary>Fails on options the command does not know, so a typo is not silently ignored.</summary>
    public AgentArguments Allow(params string[] names)
    {
        var unknown = Options.Keys.Concat(Flags).FirstOrDefault(n => !names.Contains(n));
        return unknown is null ? this : throw new UsageException($"{Command}: unknown option --{unknown}");
    }
}
