using System.CommandLine;
using System.CommandLine.Parsing;

namespace Fleet.Cli;

/// <summary>
/// What was wrong with the command line, as one short paragraph that names the command: an
/// unknown option is "unknown option --bogus", never taken as an argument (a plan file called
/// `--bogus`) nor answered with the whole help text. Everything after `--` is the user's.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The message to print (exit code 2), or null when the command line is fine.</summary>
    public static string? Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = CommandPath(parse.CommandResult);
        var afterDoubleDash = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        var seenDoubleDash = false;
        foreach (var token in parse.Tokens)
        {
            if (seenDoubleDash)
            {
                afterDoubleDash.Add(token);
            }

            seenDoubleDash |= token.Type == TokenType.DoubleDash;
        }

        var lines = new List<string>();
        var unknown = parse.UnmatchedTokens.Where(IsOptionLike)
            .Concat(ArgumentTokens(parse.CommandResult).Where(t => !afterDoubleDash.Contains(t)).Select(t => t.Value).Where(IsOptionLike))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        // `--paralel 3`: the 3 was meant for the mistyped option; naming it too would only mislead.
        var valuesOfUnknown = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < parse.Tokens.Count; i++)
        {
            if (unknown.Contains(parse.Tokens[i].Value) && !IsOptionLike(parse.Tokens[i + 1].Value) && !afterDoubleDash.Contains(parse.Tokens[i + 1]))
            {
                valuesOfUnknown.Add(parse.Tokens[i + 1].Value);
            }
        }

        var options = OptionNames(parse.CommandResult).ToList();
        lines.AddRange(unknown.Select(o => $"{command}: unknown option {o}{Suggestion(o, options)}"));
        var commands = parse.CommandResult.Command.Subcommands.Select(c => c.Name).ToList();
        lines.AddRange(parse.UnmatchedTokens.Where(t => !IsOptionLike(t) && !valuesOfUnknown.Contains(t))
            .Select(t => $"{command}: unexpected argument '{t}'{Suggestion(t, commands)}"));
        var mistyped = lines.Count > 0;
        lines.AddRange(parse.Errors
            .Where(e => !e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
            // `fleet aply`: the mistyped verb is the news, not that no verb was given.
            .Where(e => !(mistyped && e.Message.StartsWith("Required command was not provided", StringComparison.Ordinal)))
            .Select(e => $"{command}: {e.Message}"));
        if (lines.Count == 0)
        {
            return null;
        }

        lines.Add($"(see `{command} --help`)");
        return string.Join('\n', lines);
    }

    private static bool IsOptionLike(string token) => token.Length > 1 && token[0] == '-';

    /// <summary>"; did you mean --plain?" for the nearest of <paramref name="candidates"/>, when one is near enough to be a typo.</summary>
    private static string Suggestion(string word, IReadOnlyList<string> candidates)
    {
        // One-letter aliases (-f, -v) are a keystroke from everything: never suggested.
        var near = candidates
            .Where(c => c.Length > 2)
            .Select(c => (Name: c, Distance: EditDistance(word, c)))
            .Where(c => c.Distance <= Math.Max(1, Math.Min(3, c.Name.TrimStart('-').Length / 3)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return near.Name is null ? "" : $"; did you mean {near.Name}?";
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) that turn one word into the other: `--plian` is 1 from `--plain`.</summary>
    internal static int EditDistance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>Every name and alias of the options the command takes: its own and the recursive ones of the commands above it.</summary>
    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        var own = true;
        for (CommandResult? c = command; c is not null; c = c.Parent as CommandResult, own = false)
        {
            foreach (var option in c.Command.Options.Where(o => own || o.Recursive))
            {
                yield return option.Name;
                foreach (var alias in option.Aliases)
                {
                    yield return alias;
                }
            }
        }
    }

    /// <summary>The tokens taken as positional arguments by the command and the commands above it.</summary>
    private static IEnumerable<Token> ArgumentTokens(CommandResult? command)
    {
        for (; command is not null; command = command.Parent as CommandResult)
        {
            foreach (var argument in command.Children.OfType<ArgumentResult>())
            {
                foreach (var token in argument.Tokens)
                {
                    yield return token;
                }
            }
        }
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (CommandResult? c = command; c is not null; c = c.Parent as CommandResult)
        {
            names.Add(c.Command is RootCommand ? "fleet" : c.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
