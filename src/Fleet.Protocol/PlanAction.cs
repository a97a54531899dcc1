using System.Text.Json.Serialization;

namespace Fleet.Protocol;

/// <summary>What applying a resource will do; written on the wire as lowercase strings.</summary>
public enum PlanAction
{
    [JsonStringEnumMemberName("noop")]
    Noop,
    [JsonStringEnumMemberName("create")]
    Create,
    [JsonStringEnumMemberName("update")]
    Update,
    [JsonStringEnumMemberName("replace")]
    Replace,
    [JsonStringEnumMemberName("delete")]
    Delete,
}
