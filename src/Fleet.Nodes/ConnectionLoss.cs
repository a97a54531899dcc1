namespace Fleet.Nodes;

/// <summary>
/// Tells a lost connection to a node (the link cut, the node gone, sshd killed) from a failure on
/// the node, and says so in one message naming the node (STYLE 8). ssh exits 255 for its own
/// failures and with the remote command's code otherwise; a tool that talks through ssh (nix
/// copying a closure) exits 1 and only its last lines tell, so those are read too.
/// </summary>
public static class ConnectionLoss
{
    /// <summary>What ssh exits with when ssh itself failed (not the remote command).</summary>
    public const int SshExitCode = 255;

    // What OpenSSH and Nix print when the stream under them broke (lower case); nix says "cannot
    // connect to 'HOST'" when ssh ended before its store protocol's handshake.
    private static readonly string[] s_lostSigns =
    [
        "broken pipe", "connection reset", "connection closed", "connection timed out", "timeout, server", "not responding",
        "unexpected end-of-file", "end of file", "no route to host", "network is unreachable", "lost connection",
        "connection refused", "connection to", "control socket", "cannot connect to",
    ];

    // ssh exits 255 for these too, but the link is fine: the node refused us.
    private static readonly string[] s_refusedSigns = ["host key verification failed", "permission denied", "remote host identification has changed"];

    /// <summary>
    /// True when the failure was the connection's: ssh's own 255 (unless the node refused the
    /// key or login), or a non-zero exit whose stderr says the stream broke.
    /// </summary>
    public static bool IsLost(int exitCode, string standardError)
    {
        ArgumentNullException.ThrowIfNull(standardError);
        if (exitCode == 0)
        {
            return false;
        }

        var text = standardError.ToLowerInvariant();
        if (s_refusedSigns.Any(text.Contains))
        {
            return false;
        }

        return exitCode == SshExitCode || s_lostSigns.Any(text.Contains);
    }

    /// <summary>The node a resource belongs to: `node.NAME` and `node.NAME.KEY` name it; anything else is itself.</summary>
    public static string NodeName(string resource) =>
        resource?.Split('.') is ["node", var name, ..] ? name : resource ?? "?";

    /// <summary>"the connection to node web (root@10.0.0.5) was lost during the copy; CONSEQUENCE. Last lines: ..."</summary>
    public static string Describe(string node, string target, string during, string consequence, IEnumerable<string> lastLines)
    {
        var lines = lastLines?.Where(l => l.Length > 0).ToList() ?? [];
        return $"the connection to node {node} ({target}) was lost during {during}; {consequence}"
            + (lines.Count == 0 ? "" : ". Last lines from ssh and nix:\n  " + string.Join("\n  ", lines));
    }
}
