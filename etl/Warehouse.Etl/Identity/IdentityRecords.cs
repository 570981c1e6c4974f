using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Identity;

/// <summary>Builds <see cref="IdentityRecord"/>s from the typed source records.</summary>
public static class IdentityRecords
{
    /// <summary>A CRM customer: CRM id, e-mail, phone, name, city, birth date.</summary>
    public static IdentityRecord From(CrmCustomer c, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new IdentityRecord(sourceName, c.CrmCustomerId, c.CrmCustomerId, c.Email, c.Phone, c.FullName, c.City, c.BirthDate);
    }

    /// <summary>A survey answer: CRM id only.</summary>
    public static IdentityRecord From(SurveyResponse s, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new IdentityRecord(sourceName, s.CrmCustomerId, s.CrmCustomerId);
    }

    /// <summary>A web session: visitor id as key, CRM id when logged in, e-mail hash.</summary>
    public static IdentityRecord From(WebSession w, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(w);
        return new IdentityRecord(sourceName, w.WebVisitorId, w.CrmCustomerId, EmailHash: w.EmailHash);
    }

    /// <summary>A social comment: platform:handle as key, e-mail when shared.</summary>
    public static IdentityRecord From(SocialComment s, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new IdentityRecord(sourceName, s.Platform + ":" + s.Handle, Email: s.Email);
    }
}
