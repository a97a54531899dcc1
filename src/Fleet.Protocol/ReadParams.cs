using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>`read` request: the recorded inputs and outputs of a resource to look at.</summary>
public sealed record ReadParams(string Id, string Type, JsonElement Inputs, JsonElement Outputs);
