namespace Shiming.Verifications;

public static class VerificationServiceCollectionExtensions
{
    public static IServiceCollection AddVerifications(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>()
            .BindConfiguration(VerificationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Backlog>();
        services.AddSingleton<VerificationStore>();
        services.AddSingleton<BudgetLedger>();
        services.AddSingleton<CallSlots>();
        services.AddSingleton<QpsRefusalMonitor>();
        services.AddScoped<VerificationDrain>();
        services.AddScoped<VerificationRetention>();
        return services;
    }
}
