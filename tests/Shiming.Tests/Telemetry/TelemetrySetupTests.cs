using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Shiming.Telemetry;

namespace Shiming.Tests.Telemetry;

/// <summary>Which exporters the settings turn on, and the identity Azure Monitor is sent telemetry with.</summary>
[TestClass]
public sealed class TelemetrySetupTests
{
    [TestMethod]
    public void Without_either_setting_no_OpenTelemetry_pipeline_is_built()
    {
        var services = Services([]);

        Assert.IsFalse(services.Any(d => d.ServiceType == typeof(MeterProvider) || d.ServiceType == typeof(TracerProvider)));
        Assert.IsTrue(services.Any(d => d.ServiceType == typeof(ShimingMetrics)), "the instruments exist all the same");
    }

    [TestMethod]
    [DataRow("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")]
    [DataRow("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/")]
    public void Either_setting_builds_the_metrics_and_traces_pipelines(string setting, string value)
    {
        var services = Services(new() { [setting] = value });

        Assert.IsTrue(services.Any(d => d.ServiceType == typeof(MeterProvider)));
        Assert.IsTrue(services.Any(d => d.ServiceType == typeof(TracerProvider)));
    }

    [TestMethod]
    public void Both_settings_together_build_one_pipeline_whose_providers_start()
    {
        var services = Services(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/",
        });
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());

        using var provider = services.BuildServiceProvider();
        Assert.IsNotNull(provider.GetRequiredService<MeterProvider>());
        Assert.IsNotNull(provider.GetRequiredService<TracerProvider>());
    }

    [TestMethod]
    public void The_authentication_string_names_the_user_assigned_identity_or_the_system_one()
    {
        Assert.IsNull(TelemetryServiceCollectionExtensions.EntraCredential(null));
        Assert.IsInstanceOfType<ManagedIdentityCredential>(
            TelemetryServiceCollectionExtensions.EntraCredential("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD"));
        Assert.IsInstanceOfType<ManagedIdentityCredential>(TelemetryServiceCollectionExtensions.EntraCredential("Authorization=AAD"));
        var refused = Assert.ThrowsExactly<InvalidOperationException>(() => TelemetryServiceCollectionExtensions.EntraCredential("ClientId=abc"));
        StringAssert.Contains(refused.Message, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
    }

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddShimingTelemetry(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }
}
