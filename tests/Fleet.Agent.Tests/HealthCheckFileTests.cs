using System.Text.Json;
using Fleet.Agent.Health;
using Fleet.Testbed;

namespace Fleet.Agent.Tests;

public sealed class HealthCheckFileTests
{
    [Fact]
    public void Every_check_type_parses_with_its_fields_and_defaults()
    {
        var checks = HealthCheckFile.Parse("""
            [ {"type":"http","url":"http://127.0.0.1:8080/","expectStatus":204,"timeout":3},
              {"type":"tcp","host":"localhost","port":22,"retries":5,"interval":0.5,"gracePeriod":2},
              {"type":"command","argv":["true"]},
              {"type":"unit","unit":"web","name":"web unit"} ]
            """);

        Assert.Equal(["http", "tcp", "command", "unit"], checks.Select(c => c.Type));
        Assert.Equal(204, checks[0].ExpectStatus);
        Assert.Equal(TimeSpan.FromSeconds(3), checks[0].AttemptTimeout);
        Assert.Equal(5, checks[1].RetryCount);
        Assert.Equal(TimeSpan.FromSeconds(2), checks[1].Grace);
        Assert.Equal(TimeSpan.FromSeconds(10), checks[2].AttemptTimeout);
        Assert.Equal(3, checks[2].RetryCount);
        Assert.Equal("web unit", checks[3].DisplayName);
        Assert.Equal("tcp localhost:22", checks[1].DisplayName);
    }

    [Theory]
    [InlineData("""[{"type":"htp","url":"http://x/"}]""", "unknown check type")]
    [InlineData("""[{"type":"http"}]""", "url")]
    [InlineData("""[{"type":"tcp","host":"x"}]""", "port")]
    [InlineData("""[{"type":"command","argv":[]}]""", "argv")]
    [InlineData("""[{"type":"unit"}]""", "unit")]
    [InlineData("""[{"type":"tcp","host":"x","port":1,"retries":-1}]""", "negative")]
    [InlineData("""[{"type":"tcp","host":"x","port":1,"expect":200}]""", "expect")]
    [InlineData("""{"type":"tcp"}""", "array")]
    public void A_wrong_check_is_refused_with_the_reason(string json, string reason)
    {
        var e = Assert.Throws<UsageException>(() => HealthCheckFile.Parse(json));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_example_is_a_checks_file_the_agent_accepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "schemas", "health-checks.schema.json")));

        var checks = HealthCheckFile.Parse(schema.RootElement.GetProperty("examples")[0].GetRawText());

        Assert.Equal(4, checks.Length);
    }
}
