using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>`delete` request: the recorded inputs and outputs of the resource to remove.</summary>
public sealed record DeleteParams(string Id, string Type, JsonElement Inputs, JsonElement Outputs);
