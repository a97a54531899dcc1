using Fleet.Engine.Graph;
using Fleet.Engine.Planning;

namespace Fleet.Cli;

/// <summary>
/// An apply over a slice of the fleet that another verb chooses (`upload-secrets`): the graph
/// cut down to that slice (every resource left is a target, so nothing else is planned or
/// deleted), and a last word on the plan.
/// </summary>
internal sealed record PartialApply(Func<ResourceGraph, ResourceGraph> Graph, Func<Plan, Plan> Plan);
