using System.CommandLine;
using System.Globalization;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Cli;

internal static partial class WarehouseCli
{
    private static void AddSourceLoads(Command load, Option<FileInfo> file)
    {
        var crm = new Command("crm", "CRM customers, CSV or JSON (formats: etl/Warehouse.Etl/Sources/FORMATS.md). Resolved into Dimension.Customer with type 2 history; incremental by the crm cutoff.");
        var culture = CleaningCliOptions.Culture();
        var zone = CleaningCliOptions.TimeZone();
        var phoneRegion = CleaningCliOptions.PhoneRegion();
        var dateFormats = CleaningCliOptions.DateFormat();
        var fuzzy = CleaningCliOptions.FuzzyThreshold();
        crm.Options.Add(file);
        crm.Options.Add(culture);
        crm.Options.Add(zone);
        crm.Options.Add(phoneRegion);
        crm.Options.Add(dateFormats);
        crm.Options.Add(fuzzy);
        crm.SetAction(parse => Run(() =>
        {
            var options = CleaningCliOptions.From(parse, culture, zone, phoneRegion, dateFormats);
            var identity = parse.GetValue(fuzzy) is { } threshold ? new Identity.IdentityResolverOptions { FuzzyThreshold = threshold } : null;
            using var warehouse = OpenWarehouse(parse);
            PrintLoad(CrmLoader.Load(warehouse, parse.GetValue(file)!.FullName, options, identity: identity));
            return 0;
        }));
        load.Subcommands.Add(crm);

        var demographics = new Command("demographics", "Demographics / survey answers, CSV (crm_customer_id, survey_date, household_size, children, income_band, education, occupation, marital_status, satisfaction), joined to customers by CRM id into Fact.SurveyResponse.");
        demographics.Options.Add(file);
        demographics.Options.Add(culture);
        demographics.Options.Add(dateFormats);
        demographics.SetAction(parse => Run(() =>
        {
            var options = CleaningCliOptions.From(parse, culture, dateFormats: dateFormats);
            using var warehouse = OpenWarehouse(parse);
            PrintLoad(DemographicsLoader.Load(warehouse, parse.GetValue(file)!.FullName, options));
            return 0;
        }));
        load.Subcommands.Add(demographics);

        var web = new Command("web", "Web events, JSON lines (visitor, session, time, page, event type…), sessionised (30 minutes of inactivity) into Fact.WebSession.");
        web.Options.Add(file);
        web.Options.Add(culture);
        web.Options.Add(zone);
        web.SetAction(parse => Run(() =>
        {
            var options = CleaningCliOptions.From(parse, culture, zone);
            using var warehouse = OpenWarehouse(parse);
            var result = InteractionLoaders.LoadWeb(warehouse, parse.GetValue(file)!.FullName, options);
            PrintLoad(result);
            PrintOutliers(warehouse, result.LineageKey, result.Skipped);
            return 0;
        }));
        load.Subcommands.Add(web);

        var social = new Command("social", "Social comments, JSON (platform, handle, e-mail, time, text, likes, reply-to), with sentiment and keywords, into Fact.SocialInteraction.");
        social.Options.Add(file);
        social.Options.Add(culture);
        social.Options.Add(zone);
        social.SetAction(parse => Run(() =>
        {
            var options = CleaningCliOptions.From(parse, culture, zone);
            using var warehouse = OpenWarehouse(parse);
            var result = InteractionLoaders.LoadSocial(warehouse, parse.GetValue(file)!.FullName, options);
            PrintLoad(result);
            PrintOutliers(warehouse, result.LineageKey, result.Skipped);
            return 0;
        }));
        load.Subcommands.Add(social);
    }

    /// <summary>Prints what a source load did.</summary>
    internal static void PrintLoad(LoadResult result)
    {
        if (result.Skipped)
        {
            ConsoleUi.Line($"{result.SourceName}: this content was already loaded (lineage {result.LineageKey}); nothing changed.");
            return;
        }

        ConsoleUi.Line(string.Create(CultureInfo.InvariantCulture,
            $"{result.SourceName}: read {result.RowsRead:N0}, loaded {result.RowsLoaded:N0}, rejected {result.RowsRejected:N0} (lineage {result.LineageKey}; {result.Elapsed.TotalSeconds:0.00} s)."));
        ConsoleUi.Line("  " + result.Detail);
    }

    /// <summary>Prints the outliers a completed load flagged per measure (Integration.OutlierStatistic), nothing for a skipped load.</summary>
    internal static void PrintOutliers(Warehouse.Data.IWarehouse warehouse, int lineageKey, bool skipped)
    {
        if (!skipped)
        {
            ConsoleUi.Line("  " + Warehouse.Data.Loading.OutlierFlagging.Describe(Warehouse.Data.Loading.OutlierFlagging.Read(warehouse, lineageKey)));
        }
    }
}
