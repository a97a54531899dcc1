namespace Fleet.Cli;

/// <summary>
/// The questions fleet asks before it does something wide or destructive. They are asked only
/// when a person can answer: standard input and standard error are both terminals. Elsewhere (a
/// script, CI) nothing waits for input and each caller decides without asking.
/// </summary>
internal static class Confirmation
{
    public static bool CanAsk => !Console.IsInputRedirected && !Console.IsErrorRedirected;

    /// <summary>Asks on standard error; only `y` or `yes` is a yes, and the end of input is a no.</summary>
    public static async Task<bool> AskAsync(string question, CancellationToken cancellationToken)
    {
        await Console.Error.WriteAsync($"{question} [y/N] ").ConfigureAwait(false);
        await Console.Error.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Console reads do not observe a token: Ctrl-C ends the wait, the abandoned read ends with the process.
        var answer = await Task.Run(Console.ReadLine, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        return answer?.Trim().ToLowerInvariant() is "y" or "yes";
    }
}
