namespace Shiming.Verifications;

public static class VerificationServiceCollectionExtensions
{
    public static IServiceCollection AddVerifications(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>()
            .BindConfiguration(VerificationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<VerificationStore>();
        services.AddSingleton<CallPacer>();
        services.AddScoped<VerificationDrain>();
        services.AddScoped<VerificationRetention>();
        return services;
    }
}
