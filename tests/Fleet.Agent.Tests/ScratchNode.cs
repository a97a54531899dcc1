using Fleet.Agent.Secrets;

namespace Fleet.Agent.Tests;

/// <summary>
/// A scratch node root for the agent's secret files: its own etc/passwd and etc/group (root and
/// nobody), the secrets under it, and /run/keys/db as the usual destination. Deleted on dispose.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ScratchNode : IDisposable
{
    public ScratchNode(string prefix)
    {
        Root = Directory.CreateTempSubdirectory(prefix).FullName;
        Directory.CreateDirectory(Path.Combine(Root, "etc"));
        File.WriteAllText(Path.Combine(Root, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n");
        File.WriteAllText(Path.Combine(Root, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
        Secrets = new SecretFiles(new AgentFiles(new AgentPaths(Root)));
    }

    public string Root { get; }

    public SecretFiles Secrets { get; }

    public string Destination => Path.Combine(Root, "run", "keys", "db");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
