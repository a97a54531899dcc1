using System.Collections.Immutable;

namespace Fleet.Testbed;

/// <summary>What `testbed up` prints: the nodes and how the deployer reaches them.</summary>
public sealed record TestbedDescription(
    string Name,
    string Subnet,
    string Bridge,
    string DeployerAddress,
    string SshConfig,
    string KnownHosts,
    string IdentityFile,
    string Root,
    ImmutableArray<TestbedNode> Nodes);
