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
        lines.AddRange(unknown.Select(o => $"{command}: unknown option {o}"));
        lines.AddRange(parse.UnmatchedTokens.Where(t => !IsOptionLike(t)).Select(t => $"{command}: unexpected argument '{t}'"));
        lines.AddRange(parse.Errors
            .Where(e => !e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
            .Select(e => $"{command}: {e.Message}"));
        if (lines.Count == 0)
        {
            return null;
        }

        lines.Add($"(see `{command} --help`)");
        return string.Join('\n', lines);
    }

    private static bool IsOptionLike(string token) => token.Length > 1 && token[0] == '-';

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
