namespace Fleet.Testbed;

/// <summary>One testbed node: a network, mount, UTS and PID namespace with its own /nix and sshd.</summary>
public sealed record TestbedNode(string Name, string Address, int SshPort, int InitPid, string Dir);
