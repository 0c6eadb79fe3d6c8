namespace Shiming.Patients;

public static class PatientServiceCollectionExtensions
{
    public static IServiceCollection AddPatients(this IServiceCollection services)
    {
        services.AddOptions<PatientOptions>()
            .BindConfiguration(PatientOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<PatientRoster>();
        services.AddSingleton<PatientSources>();
        services.AddSingleton<PatientServices>();
        return services;
    }
}
