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
    public static AgentArguments Parse(IReadOnlyList<string> argv, IReadOnlySet<string> flagNames)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(flagNames);
        if (argv.Count == 0)
        {
            throw new UsageException("no command given");
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
