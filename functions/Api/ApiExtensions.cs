using Shiming.Hosting;

namespace Shiming.Api;

/// <summary>The API's OpenAPI document and its CORS policy for frontends on other origins.</summary>
public static class ApiExtensions
{
    public const string CorsPolicy = "Frontends";

    public static IServiceCollection AddShimingApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Shiming";
            document.Info.Description = "Real-name verification of Chinese resident ID cards: submit a photo, poll its status, read the recognised fields.";
            return Task.CompletedTask;
        }));

        // Cors__AllowedOrigins: a comma-separated list (or an array) of origins allowed to call the API from a browser.
        var origins = AllowedOrigins(configuration);
        services.AddCors(o => o.AddPolicy(CorsPolicy, policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins)
                    .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete)
                    .WithHeaders("Content-Type", "Idempotency-Key", "X-MS-CLIENT-PRINCIPAL-ID")
                    .WithExposedHeaders("Location", "Retry-After")
                    .SetPreflightMaxAge(TimeSpan.FromHours(1));
            }
        }));
        return services;
    }

    public static RouteGroupBuilder MapShimingApi(this WebApplication app)
    {
        var api = app.MapGroup($"/{ShimingFunctions.RoutePrefix}");
        api.MapOpenApi($"/{ShimingFunctions.GetOpenApiDocument.Route}")
            .WithName(ShimingFunctions.GetOpenApiDocument.Name)
            .AllowAnonymous();
        return api;
    }

    private static string[] AllowedOrigins(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cors:AllowedOrigins");
        var values = section.Value is { Length: > 0 } list ? list.Split(',') : section.Get<string[]>() ?? [];
        return [.. values.Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0)];
    }
}
