#!/usr/bin/env python3
"""Generate Lever's bundled sample models and their expected values.

What it does
    The two sample models are specified below as plain lists of rows (SPECS).
    For each model the script
      1. writes the workbook in Lever's canonical `.ron` layout to
         models/<name>.ron, and
      2. evaluates every metric row with a small evaluator of its own and
         writes the results to tests/data/<name>.expected.csv
         (header `metric,unit,Jan 2026,...`; one line per metric row in sheet
         order; values as Python's repr(float)). The Rust engine's results are
         compared against these files.

How to run (from the repository root; Python 3.11, standard library only)
    python3 tools/gen_sample_models.py

Evaluation semantics (the subset of Lever's formula language used here)
    * A row's `formula` fills every period that has no value of its own in
      `values`; a value at position k overrides period k.
    * `x` is this period's value of metric x, `x[-1]` the previous period's;
      a period outside the timeline is empty and counts as 0.
    * A bare name given directly to SUM means the whole row (all periods).
      MIN/MAX never get a bare name here (it would mean the whole row too),
      only expressions; the evaluator rejects a bare name there.
    * Operators use Excel's precedence: comparisons < + - < * / < ^ < %
      < unary minus (so -2^2 is 4); ^ is left-associative. (`&` and text
      are not used by the samples and not supported here.)
    * Functions: IF, MIN, MAX, SUM, MOD, ROUND(x, 0), ROUNDUP(x, 0).

Idioms used in the spec
    const(...)   `=name[-1]` with one value: a constant input; editing month 1
                 moves the whole row.
    steps(...)   `=name[-1]` with values at a few months: a stepped input.
    yearly(...)  `=name[-12]` with 12 (or more) values: a repeating yearly
                 pattern such as seasonality.
"""

import calendar
import csv
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

INT, RUB, PCT, PCT2 = "Integer", "Money(0)", "Percent(1)", "Percent(2)"
DEC1, DEC2, DEC3, X1 = "Decimal(1)", "Decimal(2)", "Decimal(3)", "Multiple(1)"


# --------------------------------------------------------------------------
# Spec helpers: a row is a dict with the file's fields.

def derived_name(label):
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_")


def sec(title):
    return {"section": title}


SPACER = {}


def m(label, unit, fmt, formula, values=(), name=""):
    return {"label": label, "name": name, "unit": unit, "format": fmt,
            "formula": formula, "values": list(values)}


def const(label, unit, fmt, value, name=""):
    return m(label, unit, fmt, f"={name or derived_name(label)}[-1]", [value], name)


def steps(label, unit, fmt, at, name=""):
    values = [at.get(k) for k in range(max(at) + 1)]
    return m(label, unit, fmt, f"={name or derived_name(label)}[-1]", values, name)


def yearly(label, unit, fmt, values, name=""):
    return m(label, unit, fmt, f"={name or derived_name(label)}[-12]", values, name)


def guard(num, den):
    """`IF(den > 0, num / den, 0)` for a metric name `den`."""
    return f"=IF({den} > 0, {num} / {den}, 0)"


# --------------------------------------------------------------------------
# Model 1: an online school selling courses through a phone sales team.

EDTECH_ROWS = [
    sec("Assumptions"),
    m("Month number", "", INT, "=month_number[-1] + 1"),
    m("Month of year", "", INT, "=MOD(month_number - 1, 12) + 1"),
    const("Media inflation, m/m", "%", PCT, 0.008, "media_inflation"),
    const("Cost inflation, m/m", "%", PCT2, 0.006, "cost_inflation"),
    const("Payroll taxes", "%", PCT, 0.302, "payroll_tax_rate"),
    const("Profit tax rate", "%", PCT, 0.25),
    SPACER,

    sec("Marketing"),
    steps("Visits growth, m/m", "%", PCT, {0: 0.045, 12: 0.035, 24: 0.025}, "visits_growth"),
    m("Visits, trend", "visits", INT, "=visits_trend[-1] * (1 + visits_growth)", [185000], "visits_trend"),
    yearly("Seasonality index", "index", DEC2,
           [1.10, 1.05, 1.05, 1.00, 0.92, 0.82, 0.80, 0.92, 1.15, 1.10, 1.08, 0.90], "seasonality"),
    m("Visits", "visits", INT, "=visits_trend * seasonality"),
    const("Paid share of visits", "%", PCT, 0.65, "paid_visit_share"),
    m("Paid visits", "visits", INT, "=visits * paid_visit_share"),
    m("Organic visits", "visits", INT, "=visits - paid_visits"),
    m("Cost per paid visit", "RUB", "Money(1)", "=cpc[-1] * (1 + media_inflation)", [42], "cpc"),
    m("Paid traffic spend", "RUB", RUB, "=paid_visits * cpc"),
    SPACER,
    steps("Visit → lead", "%", PCT, {0: 0.03, 2: 0.034}, "visit_to_lead"),
    const("Visit → lead, market benchmark", "%", PCT, 0.04, "visit_to_lead_market"),
    m("Site leads", "leads", INT, "=visits * visit_to_lead"),
    m("CPL, site", "RUB", RUB, guard("paid_traffic_spend", "site_leads"), name="cpl_site"),
    SPACER,
    const("Lead-form leads growth, m/m", "%", PCT, 0.03, "form_leads_growth"),
    m("Lead-form leads (social ads)", "leads", INT, "=form_leads[-1] * (1 + form_leads_growth)", [2400], "form_leads"),
    m("CPL, lead forms", "RUB", RUB, "=form_cpl[-1] * (1 + media_inflation)", [850], "form_cpl"),
    m("Lead-form spend", "RUB", RUB, "=form_leads * form_cpl", name="form_spend"),
    SPACER,
    m("Webinar registrations", "people", INT, "=webinar_registrations[-1] * (1 + visits_growth)", [3000]),
    const("Registration → lead", "%", PCT, 0.3, "webinar_to_lead"),
    m("Webinar leads", "leads", INT, "=webinar_registrations * webinar_to_lead"),
    steps("Webinar production cost", "RUB", RUB, {0: 700000, 12: 800000, 24: 900000}, "webinar_cost"),
    SPACER,
    const("Referral leads per active student", "leads", DEC2, 0.02, "referral_rate"),
    m("Referral leads", "leads", INT, "=students_start * referral_rate"),
    SPACER,
    m("Leads", "leads", INT, "=site_leads + form_leads + webinar_leads + referral_leads"),
    m("Leads growth, m/m", "%", PCT, "=IF(leads[-1] > 0, leads / leads[-1] - 1, 0)"),
    m("Site share of leads", "%", PCT, guard("site_leads", "leads")),
    SPACER,
    steps("Brand & content marketing", "RUB", RUB, {0: 1800000, 12: 2200000, 24: 2600000}, "brand_spend"),
    m("Marketing spend", "RUB", RUB, "=paid_traffic_spend + form_spend + webinar_cost + brand_spend"),
    steps("Marketing team payroll", "RUB", RUB, {0: 1500000, 12: 1800000, 24: 2100000}, "marketing_team"),
    m("Marketing cost, total", "RUB", RUB, "=marketing_spend + marketing_team", name="marketing_cost"),
    m("CPL, blended", "RUB", RUB, guard("marketing_spend", "leads"), name="cpl"),
    const("CPL, market benchmark", "RUB", RUB, 1200, "cpl_market"),
    m("CPQL (cost per qualified lead)", "RUB", RUB, guard("marketing_spend", "qualified"), name="cpql"),
    const("CPQL, market benchmark", "RUB", RUB, 3000, "cpql_market"),
    SPACER,

    sec("Sales funnel"),
    m("New leads", "leads", INT, "=leads"),
    const("Lead → manager assigned", "%", PCT, 0.98, "lead_to_assigned"),
    m("Manager assigned", "leads", INT, "=new_leads * lead_to_assigned", name="assigned"),
    const("Assigned → in work, target", "%", PCT, 0.97, "work_target"),
    m("Leads to work (demand)", "leads", INT, "=assigned * work_target", name="leads_to_work"),
    m("In work (calling)", "leads", INT,
      "=IF(leads_to_work < sales_capacity, leads_to_work, sales_capacity)", name="in_work"),
    m("Assigned → in work", "%", PCT, guard("in_work", "assigned"), name="assigned_to_work"),
    m("Leads not worked (over capacity)", "leads", INT, "=leads_to_work - in_work", name="leads_not_worked"),
    SPACER,
    steps("Speed to first contact (SLA)", "minutes", INT, {0: 25, 5: 10}, "sla_minutes"),
    steps("Call attempts per lead (touch chain)", "attempts", INT, {0: 4, 3: 6}, "touch_attempts"),
    const("Contact rate at 4 attempts and 5-min SLA", "%", PCT, 0.68, "contact_rate_base"),
    const("Contact rate gain per extra attempt", "%", PCT, 0.025, "attempt_uplift"),
    const("Contact rate loss per minute of SLA over 5", "%", PCT2, 0.002, "sla_penalty"),
    m("In work → contact made", "%", PCT,
      "=MIN(0.92, contact_rate_base + attempt_uplift * (touch_attempts - 4)"
      " - sla_penalty * MAX(0, sla_minutes - 5))", name="contact_rate"),
    const("Contact rate, market benchmark", "%", PCT, 0.7, "contact_rate_market"),
    m("Contact made", "leads", INT, "=in_work * contact_rate", name="contacts"),
    SPACER,
    steps("Contact → qualified", "%", PCT, {0: 0.55, 4: 0.58}, "contact_to_qualified"),
    const("Contact → qualified, market benchmark", "%", PCT, 0.5, "contact_to_qualified_market"),
    m("Qualified", "leads", INT, "=contacts * contact_to_qualified"),
    steps("Qualified → invoice sent", "%", PCT, {0: 0.40, 8: 0.42}, "qualified_to_invoice"),
    const("Qualified → invoice, market benchmark", "%", PCT, 0.35, "qualified_to_invoice_market"),
    m("Invoice sent", "deals", INT, "=qualified * qualified_to_invoice", name="invoices_sent"),
    const("Invoice → instalment link sent", "%", PCT, 0.6, "invoice_to_link"),
    m("Instalment link sent", "deals", INT, "=invoices_sent * invoice_to_link", name="links_sent"),
    const("Link → instalment form filled", "%", PCT, 0.8, "link_to_form"),
    m("Instalment form filled", "deals", INT, "=links_sent * link_to_form", name="forms_filled"),
    steps("Form → instalment approved (bank approval rate)", "%", PCT, {0: 0.74, 6: 0.79}, "approval_rate"),
    const("Bank approval rate, market benchmark", "%", PCT, 0.7, "approval_rate_market"),
    m("Instalment approved", "deals", INT, "=forms_filled * approval_rate", name="approved"),
    m("Total invoices (invoices + instalment forms)", "deals", INT,
      "=invoices_sent + forms_filled", name="total_invoices"),
    SPACER,
    m("Paid (won)", "deals", INT, "=invoices_sent * paid_conversion", name="paid_deals"),
    m("Paid by instalment", "deals", INT, "=paid_deals * instalment_share", name="instalment_deals"),
    m("Paid in full", "deals", INT, "=paid_deals - instalment_deals", name="full_payment_deals"),
    m("Instalment approved → paid", "%", PCT, guard("instalment_deals", "approved"), name="approved_to_paid"),
    m("Invoice without instalment → paid in full", "%", PCT,
      "=IF(invoices_sent > links_sent, full_payment_deals / (invoices_sent - links_sent), 0)",
      name="full_pay_conversion"),
    m("Total invoices → paid", "%", PCT, guard("paid_deals", "total_invoices"), name="invoices_to_paid"),
    m("Qualified → paid", "%", PCT, guard("paid_deals", "qualified"), name="qualified_to_paid"),
    m("Contact made → paid", "%", PCT, guard("paid_deals", "contacts"), name="contact_to_paid"),
    m("Lead → paid", "%", PCT2, guard("paid_deals", "new_leads"), name="lead_to_paid"),
    const("Lead → paid, market benchmark", "%", PCT2, 0.05, "lead_to_paid_market"),
    m("Extra leads at market visit → lead", "leads", INT,
      "=IF(visit_to_lead > 0, site_leads * (visit_to_lead_market / visit_to_lead - 1), 0)",
      name="extra_leads_at_market"),
    m("Lead → paid giving the same sales as market visit → lead", "%", PCT2,
      "=IF(new_leads > 0, lead_to_paid * (new_leads + extra_leads_at_market) / new_leads, 0)",
      name="lead_to_paid_equivalent"),
    SPACER,
    m("Lost before qualification", "leads", INT, "=in_work - qualified", name="lost_before_q"),
    const("Broken phone number, share of lost before qualification", "%", PCT, 0.06, "broken_number_share"),
    m("Lost: broken phone number (non-target)", "leads", INT,
      "=lost_before_q * broken_number_share", name="lost_broken_number"),
    const("Spam and bots, share of lost before qualification", "%", PCT, 0.03, "spam_share"),
    m("Lost: spam and bots (non-target)", "leads", INT, "=lost_before_q * spam_share", name="lost_spam"),
    const("Wrong request, share of lost before qualification", "%", PCT, 0.08, "wrong_request_share"),
    m("Lost: wrong request (non-target)", "leads", INT,
      "=lost_before_q * wrong_request_share", name="lost_wrong_request"),
    m("Lost before qualification, non-target", "leads", INT,
      "=lost_broken_number + lost_spam + lost_wrong_request", name="lost_non_target"),
    m("Lost before qualification, target", "leads", INT,
      "=lost_before_q - lost_non_target", name="lost_target_before_q"),
    m("Lost: no answer after the touch chain (target)", "leads", INT,
      "=in_work - contacts - lost_broken_number", name="lost_no_answer"),
    m("Lost: not now / call later (target)", "leads", INT,
      "=lost_target_before_q - lost_no_answer", name="lost_not_now"),
    SPACER,
    m("Lost after qualification (target)", "leads", INT, "=qualified - paid_deals", name="lost_after_q"),
    m("Lost: qualified, no invoice", "leads", INT, "=qualified - invoices_sent", name="lost_no_invoice"),
    m("Lost: invoice not paid", "deals", INT,
      "=invoices_sent - links_sent - full_payment_deals", name="lost_invoice_unpaid"),
    m("Lost: instalment form not filled", "deals", INT, "=links_sent - forms_filled", name="lost_form_abandoned"),
    m("Lost: instalment declined by bank", "deals", INT, "=forms_filled - approved", name="lost_bank_declined"),
    m("Lost: approved but not paid", "deals", INT, "=approved - instalment_deals", name="lost_approved_unpaid"),
    const("Too expensive, share of lost after qualification", "%", PCT, 0.35, "too_expensive_share"),
    m("Lost: too expensive", "leads", INT, "=lost_after_q * too_expensive_share", name="lost_too_expensive"),
    const("Chose a competitor, share of lost after qualification", "%", PCT, 0.2, "competitor_share"),
    m("Lost: chose a competitor", "leads", INT, "=lost_after_q * competitor_share", name="lost_competitor"),
    m("Lost: postponed / other", "leads", INT,
      "=lost_after_q - lost_too_expensive - lost_competitor - lost_bank_declined", name="lost_other"),
    SPACER,
    m("Closed-lost, total", "leads", INT, "=lost_before_q + lost_after_q", name="closed_lost"),
    m("Non-target share of closed-lost", "%", PCT, guard("lost_non_target", "closed_lost"), name="non_target_share"),
    m("Win rate of leads in work", "%", PCT, guard("paid_deals", "in_work"), name="win_rate"),
    SPACER,

    sec("Units & price"),
    yearly("List price increase (each January from 2027)", "RUB", RUB, [0] * 12 + [5000], "price_step"),
    m("List price", "RUB", RUB, "=list_price[-1] + price_step", [74900]),
    yearly("Discount", "%", PCT, [0.10, 0.10, 0.10, 0.10, 0.10, 0.15, 0.15, 0.10, 0.10, 0.10, 0.25, 0.15]),
    m("Effective price", "RUB", RUB, "=list_price * (1 - discount)", name="price"),
    const("Market average price", "RUB", RUB, 72000, "price_market"),
    m("Price vs market", "%", PCT, "=IF(price_market > 0, price / price_market - 1, 0)", name="price_vs_market"),
    SPACER,
    const("Base price (where base conversion was measured)", "RUB", RUB, 67410, "base_price"),
    const("Base paid conversion (invoice → paid at base price)", "%", PCT, 0.45, "base_paid_conversion"),
    const("Price elasticity of paid conversion", "coef", DEC2, 1.2, "price_elasticity"),
    m("Price index (price ÷ base price)", "index", DEC3, guard("price", "base_price"), name="price_index"),
    m("Paid conversion (invoice → paid)", "%", PCT,
      "=base_paid_conversion * (price / base_price) ^ (-price_elasticity)", name="paid_conversion"),
    m("Paid conversion vs base", "%", PCT, "=IF(base_paid_conversion > 0, paid_conversion / base_paid_conversion - 1, 0)",
      name="conversion_vs_base"),
    SPACER,
    m("Units sold", "courses", INT, "=paid_deals"),
    m("Units sold growth, m/m", "%", PCT, "=IF(units_sold[-1] > 0, units_sold / units_sold[-1] - 1, 0)",
      name="units_growth"),
    m("Units sold, cumulative", "courses", INT, "=units_cumulative[-1] + units_sold", name="units_cumulative"),
    m("Sales at list price", "RUB", RUB, "=units_sold * list_price", name="list_price_sales"),
    m("Discounts given", "RUB", RUB, "=list_price_sales * discount", name="discounts_given"),
    SPACER,

    sec("Revenue"),
    m("Gross revenue", "RUB", RUB, "=units_sold * price"),
    steps("Instalment share of deals", "%", PCT, {0: 0.58, 12: 0.6, 24: 0.62}, "instalment_share"),
    m("Instalment revenue", "RUB", RUB, "=gross_revenue * instalment_share"),
    m("Full-payment revenue", "RUB", RUB, "=gross_revenue - instalment_revenue"),
    const("Bank commission on instalments", "%", PCT, 0.075, "bank_commission_rate"),
    m("Bank commission", "RUB", RUB, "=instalment_revenue * bank_commission_rate"),
    const("Card acquiring fee", "%", PCT, 0.022, "acquiring_rate"),
    m("Acquiring fees", "RUB", RUB, "=full_payment_revenue * acquiring_rate"),
    SPACER,
    steps("Refund rate", "%", PCT, {0: 0.07, 9: 0.085, 15: 0.075}),
    m("Refunds", "RUB", RUB, "=gross_revenue * refund_rate"),
    m("Net revenue", "RUB", RUB, "=gross_revenue - refunds"),
    m("Net revenue growth, m/m", "%", PCT, "=IF(net_revenue[-1] > 0, net_revenue / net_revenue[-1] - 1, 0)",
      name="net_revenue_growth"),
    m("Net revenue, same month last year", "RUB", RUB, "=net_revenue[-12]", name="net_revenue_last_year"),
    m("Net revenue growth, y/y", "%", PCT,
      "=IF(net_revenue_last_year > 0, net_revenue / net_revenue_last_year - 1, 0)", name="net_revenue_growth_yoy"),
    m("Net revenue, year to date", "RUB", RUB, "=IF(month_of_year = 1, 0, net_revenue_ytd[-1]) + net_revenue",
      name="net_revenue_ytd"),
    m("Net revenue, cumulative", "RUB", RUB, "=net_revenue_cumulative[-1] + net_revenue",
      name="net_revenue_cumulative"),
    m("Annual run-rate (net revenue × 12)", "RUB", RUB, "=net_revenue * 12", name="run_rate"),
    m("Share of 3-year net revenue", "%", PCT2, "=IF(SUM(net_revenue) > 0, net_revenue / SUM(net_revenue), 0)",
      name="share_of_plan_revenue"),
    SPACER,

    sec("Sales team"),
    steps("Leads per manager per month (capacity)", "leads", INT, {0: 190, 13: 210}, "leads_per_manager"),
    const("Target utilisation", "%", PCT, 0.85),
    m("Required managers (FTE)", "people", INT,
      "=ROUNDUP(leads_to_work / (leads_per_manager * target_utilisation), 0)", name="required_managers"),
    SPACER,
    m("Managers at start of month", "people", INT, "=managers[-1]", [46], "managers_start"),
    const("Monthly attrition of managers", "%", PCT, 0.08, "attrition"),
    m("Leavers", "people", INT, "=ROUND(managers_start * attrition, 0)"),
    m("Team leads at start of month", "people", INT, "=team_leads[-1]", [6], "team_leads_start"),
    const("Max new managers per team lead per month", "people", INT, 3, "max_hires_per_lead"),
    m("Hiring cap", "people", INT, "=team_leads_start * max_hires_per_lead"),
    m("Hiring need", "people", INT, "=MAX(0, required_managers - (managers_start - leavers))"),
    m("New managers hired", "people", INT, "=IF(hiring_need < hiring_cap, hiring_need, hiring_cap)",
      name="new_hires"),
    m("Hiring gap (need above cap)", "people", INT, "=hiring_need - new_hires", name="hiring_gap"),
    m("Managers at end of month", "people", INT, "=managers_start + new_hires - leavers", name="managers"),
    m("Managers hired, cumulative", "people", INT, "=hires_cumulative[-1] + new_hires", name="hires_cumulative"),
    SPACER,
    const("Productivity in month of hire", "%", PCT, 0.35, "ramp_first_month"),
    const("Productivity in second month", "%", PCT, 0.7, "ramp_second_month"),
    m("Effective managers (FTE)", "people", DEC1,
      "=managers - new_hires * (1 - ramp_first_month) - new_hires[-1] * (1 - ramp_second_month)",
      name="effective_managers"),
    m("Sales capacity", "leads", INT, "=effective_managers * leads_per_manager"),
    m("Staffing vs need (effective ÷ required)", "%", PCT, guard("effective_managers", "required_managers"),
      name="staffing_vs_need"),
    m("Capacity utilisation", "%", PCT, guard("in_work", "sales_capacity")),
    m("Deals per effective manager", "deals", DEC1, guard("paid_deals", "effective_managers"),
      name="deals_per_manager"),
    SPACER,
    const("Managers per team lead", "people", INT, 8, "span_of_control"),
    m("Team leads", "people", INT, "=ROUNDUP(managers / span_of_control, 0)"),
    const("Managers per QA / sales-ops specialist", "people", INT, 25, "managers_per_ops"),
    m("Sales QA & ops staff", "people", INT, "=ROUNDUP(managers / managers_per_ops, 0)", name="sales_ops_staff"),
    steps("Heads of sales", "people", INT, {0: 1, 18: 2}),
    m("Sales headcount", "people", INT, "=managers + team_leads + sales_ops_staff + heads_of_sales"),
    SPACER,
    steps("Manager base salary", "RUB", RUB, {0: 55000, 12: 60000, 24: 65000}, "manager_salary"),
    steps("Team lead salary", "RUB", RUB, {0: 140000, 12: 150000, 24: 160000}),
    steps("QA & ops salary", "RUB", RUB, {0: 80000, 12: 86000, 24: 92000}, "ops_salary"),
    steps("Head of sales salary", "RUB", RUB, {0: 350000, 12: 380000, 24: 410000}),
    const("Sales commission, % of net revenue", "%", PCT, 0.04, "commission_rate"),
    m("Sales salaries", "RUB", RUB,
      "=managers * manager_salary + team_leads * team_lead_salary + sales_ops_staff * ops_salary"
      " + heads_of_sales * head_of_sales_salary"),
    m("Sales commissions", "RUB", RUB, "=net_revenue * commission_rate"),
    m("Payroll taxes, sales", "RUB", RUB, "=(sales_salaries + sales_commissions) * payroll_tax_rate",
      name="sales_payroll_taxes"),
    m("Sales payroll", "RUB", RUB, "=sales_salaries + sales_commissions + sales_payroll_taxes"),
    m("Average manager income", "RUB", RUB, "=IF(managers > 0, manager_salary + sales_commissions / managers, 0)",
      name="manager_income"),
    const("Recruiting cost per hire", "RUB", RUB, 30000, "recruiting_per_hire"),
    m("Recruiting cost", "RUB", RUB, "=new_hires * recruiting_per_hire"),
    const("Telephony & CRM per seat", "RUB", RUB, 7500, "tools_per_seat"),
    m("Telephony & CRM", "RUB", RUB, "=sales_headcount * tools_per_seat", name="sales_tools"),
    m("Sales team cost", "RUB", RUB, "=sales_payroll + recruiting_cost + sales_tools", name="sales_cost"),
    SPACER,

    sec("Support & other costs"),
    const("Average course length", "months", DEC1, 6, "course_length"),
    m("Students at start of month", "students", INT, "=students[-1]", [3800], "students_start"),
    m("Students finishing", "students", INT, guard("students_start", "course_length")),
    m("Refunded courses", "courses", INT, "=units_sold * refund_rate"),
    m("New students (sales net of refunds)", "students", INT, "=units_sold - refunded_courses",
      name="new_students"),
    m("Active students at end of month", "students", INT,
      "=students_start - students_finishing + new_students", name="students"),
    m("Customers (active students, average)", "students", INT, "=(students_start + students) / 2",
      name="customers"),
    SPACER,
    m("Support cost per customer", "RUB", RUB, "=support_per_customer[-1] * (1 + cost_inflation)", [1400],
      "support_per_customer"),
    m("Support team, fixed", "RUB", RUB, "=support_fixed[-1] * (1 + cost_inflation)", [1200000], "support_fixed"),
    m("Support cost", "RUB", RUB, "=customers * support_per_customer + support_fixed"),
    m("Support cost per sale", "RUB", RUB, guard("support_cost", "units_sold")),
    m("Support cost, % of net revenue", "%", PCT, guard("support_cost", "net_revenue"), name="support_share"),
    const("Platform cost per active student", "RUB", RUB, 120, "platform_per_student"),
    steps("LMS & video hosting, fixed", "RUB", RUB, {0: 600000, 12: 700000, 24: 800000}, "platform_fixed"),
    m("Platform cost", "RUB", RUB, "=customers * platform_per_student + platform_fixed"),
    const("Author royalties, % of net revenue", "%", PCT, 0.05, "royalty_rate"),
    m("Author royalties", "RUB", RUB, "=net_revenue * royalty_rate"),
    SPACER,
    m("Content production", "RUB", RUB, "=content_cost[-1] * (1 + cost_inflation)", [4500000], "content_cost"),
    steps("Back-office headcount", "people", INT, {0: 30, 12: 36, 24: 42}),
    m("Office seats", "seats", INT, "=sales_headcount + back_office_headcount"),
    m("Office cost per seat", "RUB", RUB, "=office_per_seat[-1] * (1 + cost_inflation)", [14000], "office_per_seat"),
    m("Office & rent", "RUB", RUB, "=office_seats * office_per_seat", name="office_cost"),
    steps("Back-office average salary", "RUB", RUB, {0: 170000, 12: 185000, 24: 200000}, "back_office_salary"),
    m("Back-office payroll", "RUB", RUB, "=back_office_headcount * back_office_salary * (1 + payroll_tax_rate)"),
    m("Software & services", "RUB", RUB, "=software[-1] * (1 + cost_inflation)", [900000], "software"),
    m("Legal, accounting & other", "RUB", RUB, "=other_ga[-1] * (1 + cost_inflation)", [700000], "other_ga"),
    m("G&A", "RUB", RUB, "=back_office_payroll + software + other_ga", name="ga_cost"),
    SPACER,

    sec("P&L"),
    m("Cost of sales", "RUB", RUB, "=bank_commission + acquiring_fees + support_cost + platform_cost + author_royalties"),
    m("Gross profit", "RUB", RUB, "=net_revenue - cost_of_sales"),
    m("Gross margin", "%", PCT, guard("gross_profit", "net_revenue")),
    SPACER,
    m("Marketing, % of net revenue", "%", PCT, guard("marketing_cost", "net_revenue"), name="marketing_share"),
    m("Sales team, % of net revenue", "%", PCT, guard("sales_cost", "net_revenue"), name="sales_share"),
    m("Contribution margin", "RUB", RUB, "=gross_profit - marketing_cost - sales_cost", name="contribution"),
    m("Contribution margin, %", "%", PCT, guard("contribution", "net_revenue"), name="contribution_margin"),
    SPACER,
    m("Fixed costs (content, office, G&A)", "RUB", RUB, "=content_cost + office_cost + ga_cost", name="fixed_costs"),
    m("Fixed costs, % of net revenue", "%", PCT, guard("fixed_costs", "net_revenue"), name="fixed_share"),
    m("EBITDA", "RUB", RUB, "=contribution - fixed_costs"),
    m("EBITDA margin", "%", PCT, guard("ebitda", "net_revenue")),
    m("EBITDA, year to date", "RUB", RUB, "=IF(month_of_year = 1, 0, ebitda_ytd[-1]) + ebitda", name="ebitda_ytd"),
    m("EBITDA, cumulative", "RUB", RUB, "=ebitda_cumulative[-1] + ebitda", name="ebitda_cumulative"),
    SPACER,
    m("Payroll, total (sales, marketing, back office)", "RUB", RUB,
      "=sales_payroll + marketing_team + back_office_payroll", name="payroll_total"),
    m("Payroll, % of net revenue", "%", PCT, guard("payroll_total", "net_revenue"), name="payroll_share"),
    m("Operating costs, total", "RUB", RUB, "=cost_of_sales + marketing_cost + sales_cost + fixed_costs",
      name="operating_costs"),
    SPACER,
    m("Profit tax (once cumulative EBITDA is positive)", "RUB", RUB,
      "=IF(ebitda_cumulative > 0, MAX(0, ebitda * profit_tax_rate), 0)", name="profit_tax"),
    const("Equipment per new hire", "RUB", RUB, 90000, "equipment_per_hire"),
    steps("Other capex", "RUB", RUB, {0: 500000, 12: 700000, 24: 900000}),
    m("Capex", "RUB", RUB, "=new_hires * equipment_per_hire + other_capex"),
    m("Net cash flow", "RUB", RUB, "=ebitda - profit_tax - capex"),
    m("Cash at start of month", "RUB", RUB, "=cash[-1]", [150000000], "cash_start"),
    m("Cash at end of month", "RUB", RUB, "=cash_start + net_cash_flow", name="cash"),
    m("Lowest cash balance so far", "RUB", RUB,
      "=IF(month_number = 1, cash, IF(cash < lowest_cash[-1], cash, lowest_cash[-1]))", name="lowest_cash"),
    m("Cumulative cash flow since Jan 2026", "RUB", RUB, "=cumulative_cash_flow[-1] + net_cash_flow",
      name="cumulative_cash_flow"),
    SPACER,

    sec("Unit economics"),
    m("ARPU (net revenue per sale)", "RUB", RUB, guard("net_revenue", "units_sold"), name="arpu"),
    m("Gross profit per sale", "RUB", RUB, guard("gross_profit", "units_sold")),
    m("Marketing cost per sale", "RUB", RUB, guard("marketing_cost", "units_sold"), name="marketing_cac"),
    m("Sales cost per sale", "RUB", RUB, guard("sales_cost", "units_sold"), name="sales_cac"),
    m("CAC", "RUB", RUB, "=IF(units_sold > 0, (marketing_cost + sales_cost) / units_sold, 0)"),
    m("CAC, % of ARPU", "%", PCT, guard("cac", "arpu"), name="cac_to_arpu"),
    const("Repeat purchases per customer (lifetime)", "purchases", DEC2, 0.3, "repeat_purchases"),
    m("LTV (gross profit over customer lifetime)", "RUB", RUB, "=gross_profit_per_sale * (1 + repeat_purchases)",
      name="ltv"),
    m("LTV / CAC", "x", X1, guard("ltv", "cac"), name="ltv_to_cac"),
    const("Target LTV / CAC", "x", X1, 3, "target_ltv_to_cac"),
    m("Max CAC at target LTV / CAC", "RUB", RUB, guard("ltv", "target_ltv_to_cac"), name="max_cac"),
    m("CAC payback (gross profit spread over the course)", "months", DEC1,
      "=IF(gross_profit_per_sale > 0, cac / (gross_profit_per_sale / course_length), 0)", name="payback_months"),
    m("Contribution per sale", "RUB", RUB, guard("contribution", "units_sold")),
    m("Break-even sales per month", "courses", INT, guard("fixed_costs", "contribution_per_sale"),
      name="break_even_sales"),
    m("Marketing ROMI", "%", PCT, "=IF(marketing_cost > 0, (gross_profit - marketing_cost) / marketing_cost, 0)",
      name="romi"),
    m("Net revenue per lead", "RUB", RUB, guard("net_revenue", "new_leads"), name="revenue_per_lead"),
    m("Net revenue per manager", "RUB", RUB, guard("net_revenue", "managers"), name="revenue_per_manager"),
    m("Net revenue per sales employee", "RUB", RUB, guard("net_revenue", "sales_headcount"),
      name="revenue_per_sales_employee"),
    m("Sales cost per lead worked", "RUB", RUB, guard("sales_cost", "in_work"), name="sales_cost_per_lead"),
]

EDTECH_CHANGELOG = [
    ("2026-03-02", "New landing page with a course-picking quiz", ["visit_to_lead"]),
    ("2026-04-01", "Touch chain extended from 4 to 6 call attempts", ["touch_attempts", "contact_rate"]),
    ("2026-05-04", "New opening script for the sales team", ["contact_to_qualified"]),
    ("2026-06-01", "Auto-dialer: first call within 10 minutes of the lead", ["sla_minutes", "contact_rate"]),
    ("2026-07-01", "Second bank partner for instalments", ["approval_rate", "instalment_deals"]),
    ("2026-09-07", "Negotiation training for all managers", ["qualified_to_invoice"]),
    ("2026-10-05", "Launched the Data Analyst course; early refunds above plan", ["refund_rate", "net_revenue"]),
    ("2027-01-11", "List price raised by 5,000 RUB", ["list_price", "paid_conversion", "units_sold"]),
    ("2027-02-01", "CRM automation: call summaries and next-step reminders", ["leads_per_manager"]),
]


# --------------------------------------------------------------------------
# Model 2: a funnel calculator. Paid customers = leads × the product of the
# stage conversions, so each stage conversion has an elasticity of exactly 1.

FUNNEL_ROWS = [
    sec("Inputs"),
    m("Leads", "leads", INT, "=leads[-1] * (1 + leads_growth)", [10000]),
    const("Leads growth, m/m", "%", PCT, 0.03, "leads_growth"),
    const("Lead → contact", "%", PCT, 0.7, "lead_to_contact"),
    const("Contact → qualified", "%", PCT, 0.5, "contact_to_qualified"),
    const("Qualified → invoice", "%", PCT, 0.4, "qualified_to_invoice"),
    const("Invoice → paid", "%", PCT, 0.5, "invoice_to_paid"),
    const("Price", "RUB", RUB, 69900),
    SPACER,
    sec("Funnel"),
    m("Contacts", "leads", INT, "=leads * lead_to_contact"),
    m("Qualified", "leads", INT, "=contacts * contact_to_qualified"),
    m("Invoices", "deals", INT, "=qualified * qualified_to_invoice"),
    m("Paid customers", "deals", INT, "=invoices * invoice_to_paid", name="paid"),
    m("Lead → paid (end to end)", "%", PCT2,
      "=lead_to_contact * contact_to_qualified * qualified_to_invoice * invoice_to_paid", name="lead_to_paid"),
    m("Revenue", "RUB", RUB, "=paid * price"),
    SPACER,
    sec("What +1 pp at one stage gives"),
    const("Lift per stage", "pp", PCT, 0.01, "pp_step"),
    m("Revenue gain: lead → contact", "RUB", RUB, "=revenue * pp_step / lead_to_contact", name="gain_contact"),
    m("Revenue gain: contact → qualified", "RUB", RUB, "=revenue * pp_step / contact_to_qualified",
      name="gain_qualified"),
    m("Revenue gain: qualified → invoice", "RUB", RUB, "=revenue * pp_step / qualified_to_invoice",
      name="gain_invoice"),
    m("Revenue gain: invoice → paid", "RUB", RUB, "=revenue * pp_step / invoice_to_paid", name="gain_paid"),
]

# Scenarios: named input overrides on top of the base model (the model as
# written is the base). Each override lists per-period inputs; None keeps the
# base model's input for that period.
def steps_values(at):
    return [at.get(k) for k in range(max(at) + 1)]


EDTECH_SCENARIOS = [
    ("Optimistic", "Stronger traffic growth, a better closing script and cheaper lead forms", [
        ("visits_growth", steps_values({0: 0.055, 12: 0.045, 24: 0.035})),
        ("visit_to_lead", steps_values({0: 0.032, 2: 0.037})),
        ("form_cpl", [780]),
        ("base_paid_conversion", [0.5]),
        ("list_price", [79900]),
    ]),
    ("Pessimistic", "Traffic growth slows, leads get dearer and fewer invoices are paid", [
        ("visits_growth", steps_values({0: 0.03, 12: 0.02, 24: 0.015})),
        ("form_cpl", [950]),
        ("base_paid_conversion", [0.4]),
        ("list_price", [69900]),
    ]),
]


# --------------------------------------------------------------------------
# Founder toolkit: benchmarks, roll-ups, changelog areas and funnels. Kept
# apart from the row specs above; `founder_data` attaches them to the rows
# before writing. Benchmarks: (market value, high end or None, "Higher" or
# "Lower", source note).

FIELD = "practitioners' estimate for EdTech phone sales"
FOUNDER = {
    "edtech-growth": {
        "benchmarks": {
            "visit_to_lead": (0.04, None, "Higher", FIELD),
            "cpl": (1200, None, "Lower", FIELD),
            "cpql": (3000, None, "Lower", FIELD),
            "contact_rate": (0.7, None, "Higher", FIELD),
            "contact_to_qualified": (0.5, None, "Higher", FIELD),
            "qualified_to_invoice": (0.35, None, "Higher", FIELD),
            "approval_rate": (0.7, None, "Higher", FIELD),
            "lead_to_paid": (0.05, None, "Higher", FIELD),
            "price": (65000, 80000, "Higher", "competitors' list prices"),
        },
        "rollups": {
            "net_revenue_ytd": "Last",
            "ebitda_ytd": "Last",
            "managers": "Last",
            "students": "Last",
            "cash": "Last",
            "lowest_cash": "Last",
            "customers": "Average",
            "lead_to_paid": 'Ratio("paid_deals", "new_leads")',
            "gross_margin": 'Ratio("gross_profit", "net_revenue")',
            "price": "Average",
        },
        "areas": ["product", "sales", "sales", "sales", "finance", "sales", "product", "pricing", "sales"],
        "funnels": [
            '(name: "Site", stages: ["visits", "site_leads"], conversions: ["visit_to_lead"], value: "revenue_per_lead")',
            '(name: "Sales", stages: ["new_leads", "assigned", "in_work", "contacts", "qualified", "invoices_sent", "paid_deals"], '
            'conversions: ["lead_to_assigned", "", "contact_rate", "contact_to_qualified", "qualified_to_invoice", "paid_conversion"], '
            'value: "price")',
        ],
        "investor": ("leads", "paid_deals", "price", "gross_revenue", "net_revenue", "gross_profit", "gross_margin",
                     "contribution", "ebitda", "ebitda_margin", "cash", "managers", "students", "cac", "ltv",
                     "ltv_to_cac"),
        "investor_period": "Year",
        "investor_charts": ("net_revenue", "ebitda", "cash", "paid_deals"),
    },
    "funnel": {
        "benchmarks": {
            "lead_to_contact": (0.75, None, "Higher", FIELD),
            "contact_to_qualified": (0.5, None, "Higher", FIELD),
            "qualified_to_invoice": (0.35, None, "Higher", FIELD),
            "invoice_to_paid": (0.55, 0.65, "Higher", FIELD),
        },
        "rollups": {
            "lead_to_paid": 'Ratio("paid", "leads")',
            # Money per period, though their formulas divide.
            "gain_contact": "Sum", "gain_qualified": "Sum", "gain_invoice": "Sum", "gain_paid": "Sum",
        },
        "areas": [],
        "funnels": [
            '(name: "Sales", stages: ["leads", "contacts", "qualified", "invoices", "paid"], '
            'conversions: ["lead_to_contact", "contact_to_qualified", "qualified_to_invoice", "invoice_to_paid"], '
            'value: "price")',
        ],
    },
}


# Model 3: a SaaS company (for the "SaaS model" template): paid acquisition
# → trials → new customers; customers and MRR as stocks with churn and
# expansion; costs, EBITDA and cash; unit economics. USD, 24 months.

USD, USD2 = "Money(0)", "Money(2)"
SAAS_ROWS = [
    sec("Timing"),
    m("Month number", "", INT, "=month_number[-1] + 1"),
    SPACER,
    sec("Acquisition"),
    const("Marketing spend growth, m/m", "%", PCT, 0.04, "spend_growth"),
    m("Marketing spend", "USD", USD, "=marketing_spend[-1] * (1 + spend_growth)", [40000]),
    const("Cost per lead", "USD", USD, 80, "cpl"),
    m("Leads", "leads", INT, guard("marketing_spend", "cpl")),
    const("Lead → trial", "%", PCT, 0.25, "lead_to_trial"),
    m("Trials", "trials", INT, "=leads * lead_to_trial"),
    const("Trial → paid", "%", PCT, 0.18, "trial_to_paid"),
    m("New customers", "customers", INT, "=trials * trial_to_paid"),
    SPACER,
    sec("Customers"),
    const("Customers at the start", "customers", INT, 250, "opening_customers"),
    const("Logo churn, monthly", "%", PCT, 0.025, "churn_rate"),
    m("Churned customers", "customers", INT,
      "=IF(month_number = 1, opening_customers, customers[-1]) * churn_rate", name="churned_customers"),
    m("Customers", "customers", INT,
      "=IF(month_number = 1, opening_customers, customers[-1]) + new_customers - churned_customers"),
    SPACER,
    sec("Recurring revenue"),
    const("ARPA of new customers", "USD", USD2, 120, "arpa_new"),
    const("MRR at the start", "USD", USD, 30000, "opening_mrr"),
    const("Expansion, m/m of MRR", "%", PCT2, 0.012, "expansion_rate"),
    m("New MRR", "USD", USD, "=new_customers * arpa_new"),
    m("Expansion MRR", "USD", USD, "=IF(month_number = 1, opening_mrr, mrr[-1]) * expansion_rate"),
    m("Churned MRR", "USD", USD,
      "=IF(month_number = 1, opening_mrr, mrr[-1]) * churn_rate"),
    m("Net new MRR", "USD", USD, "=new_mrr + expansion_mrr - churned_mrr"),
    m("MRR", "USD", USD, "=IF(month_number = 1, opening_mrr, mrr[-1]) + net_new_mrr"),
    m("ARR", "USD", USD, "=mrr * 12"),
    m("ARPA", "USD", USD2, guard("mrr", "customers")),
    m("MRR growth, m/m", "%", PCT, "=IF(month_number = 1, mrr / opening_mrr - 1, mrr / mrr[-1] - 1)",
      name="mrr_growth"),
    SPACER,
    sec("P&L"),
    m("Revenue", "USD", USD, "=mrr"),
    const("Hosting and support, % of revenue", "%", PCT, 0.22, "cogs_share"),
    m("Cost of revenue", "USD", USD, "=revenue * cogs_share", name="cogs"),
    m("Gross profit", "USD", USD, "=revenue - cogs"),
    m("Gross margin", "%", PCT, guard("gross_profit", "revenue")),
    steps("Sales team", "USD", USD, {0: 45000, 12: 70000}),
    steps("Product and engineering", "USD", USD, {0: 90000, 12: 120000}, "engineering"),
    const("General and administrative", "USD", USD, 30000, "g_and_a"),
    m("Operating expenses", "USD", USD, "=marketing_spend + sales_team + engineering + g_and_a", name="opex"),
    m("EBITDA", "USD", USD, "=gross_profit - opex"),
    const("Cash at the start", "USD", USD, 1500000, "opening_cash"),
    m("Cash", "USD", USD, "=IF(month_number = 1, opening_cash, cash[-1]) + ebitda"),
    SPACER,
    sec("Unit economics"),
    m("Sales and marketing cost", "USD", USD, "=marketing_spend + sales_team", name="s_and_m"),
    m("CAC", "USD", USD, guard("s_and_m", "new_customers")),
    m("LTV", "USD", USD, "=IF(churn_rate > 0, arpa * gross_margin / churn_rate, 0)"),
    m("LTV / CAC", "x", X1, guard("ltv", "cac"), name="ltv_to_cac"),
    m("CAC payback", "months", DEC1, "=IF(arpa * gross_margin > 0, cac / (arpa * gross_margin), 0)",
      name="cac_payback"),
]

SAAS_BENCH = "public SaaS benchmarks (early stage)"
FOUNDER["saas"] = {
    "benchmarks": {
        "lead_to_trial": (0.2, 0.3, "Higher", SAAS_BENCH),
        "trial_to_paid": (0.15, 0.25, "Higher", SAAS_BENCH),
        "churn_rate": (0.01, 0.02, "Lower", SAAS_BENCH),
        "gross_margin": (0.75, 0.8, "Higher", SAAS_BENCH),
        "ltv_to_cac": (3, None, "Higher", SAAS_BENCH),
        "cac_payback": (12, None, "Lower", SAAS_BENCH),
    },
    "rollups": {
        "customers": "Last", "mrr": "Last", "arr": "Last", "cash": "Last", "arpa": 'Ratio("mrr", "customers")',
        "gross_margin": 'Ratio("gross_profit", "revenue")', "cac": 'Ratio("s_and_m", "new_customers")',
    },
    "areas": ["marketing", "product"],
    "funnels": [
        '(name: "Acquisition", stages: ["leads", "trials", "new_customers"], '
        'conversions: ["lead_to_trial", "trial_to_paid"], value: "arpa_new")',
    ],
    "investor": ("new_customers", "customers", "churn_rate", "new_mrr", "churned_mrr", "net_new_mrr", "mrr", "arr",
                 "arpa", "revenue", "gross_profit", "gross_margin", "opex", "ebitda", "cash", "cac", "ltv",
                 "ltv_to_cac", "cac_payback"),
    "investor_period": "Quarter",
    "investor_charts": ("mrr", "new_customers", "ebitda", "cash"),
}
SAAS_CHANGELOG = [
    ("2026-03-02", "Onboarding checklist in the trial", ["trial_to_paid"]),
    ("2026-06-01", "Annual plans with a discount", ["churn_rate", "mrr"]),
]


def founder_data(stem, rows, changelog):
    """Attaches the founder-toolkit data to copies of the rows and changelog."""
    extra = FOUNDER.get(stem, {})
    out = []
    for row in rows:
        row = dict(row)
        name = (row.get("name") or derived_name(row["label"])) if "label" in row else None
        if name in extra.get("benchmarks", {}):
            row["benchmark"] = extra["benchmarks"][name]
        if name in extra.get("rollups", {}):
            row["rollup"] = extra["rollups"][name]
        out.append(row)
    areas = extra.get("areas", [])
    changelog = [(d, areas[i] if i < len(areas) else "", t, ms) for i, (d, t, ms) in enumerate(changelog)]
    tail = [f"    funnels: [\n" + "".join(f"        {f},\n" for f in extra["funnels"]) + "    ],"] \
        if extra.get("funnels") else []
    if extra.get("investor"):
        names = lambda items: "[" + ", ".join(ron_str(n) for n in items) + "]"
        tail.append(f"    investor: (rows: {names(extra['investor'])}, period: {extra['investor_period']}, "
                    f"charts: {names(extra['investor_charts'])}),")
    return out, changelog, tail


def ron_benchmark(b):
    value, high, better, source = b
    fields = [f"value: {ron_num(value)}"]
    if high is not None:
        fields.append(f"high: {ron_num(high)}")
    fields.append(f"better: {better}")
    if source:
        fields.append(f"source: {ron_str(source)}")
    return f"({', '.join(fields)})"


SPECS = [
    # (file stem, timeline start, periods, rows, changelog, scenarios)
    ("edtech-growth", "2026-01", 36, EDTECH_ROWS, EDTECH_CHANGELOG, EDTECH_SCENARIOS),
    ("funnel", "2026-01", 12, FUNNEL_ROWS, [], []),
    ("saas", "2026-01", 24, SAAS_ROWS, SAAS_CHANGELOG, []),
]


# --------------------------------------------------------------------------
# Writer: the canonical .ron layout.

def ron_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ron_num(x):
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    s = repr(x)
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def ron_value(v):
    if v is None:
        return "()"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return ron_str(v)
    return ron_num(v)


def ron_row(row):
    if "section" in row:
        return f"(section: {ron_str(row['section'])})"
    if not row:
        return "()"
    fields = [f"label: {ron_str(row['label'])}"]
    if row["name"] and row["name"] != derived_name(row["label"]):
        fields.append(f"name: {ron_str(row['name'])}")
    if row["unit"]:
        fields.append(f"unit: {ron_str(row['unit'])}")
    if row["format"] != "General":
        fields.append(f"format: {row['format']}")
    if row["formula"]:
        fields.append(f"formula: {ron_str(row['formula'])}")
    if row["values"]:
        fields.append(f"values: [{', '.join(ron_value(v) for v in row['values'])}]")
    if row.get("benchmark"):
        fields.append(f"benchmark: {ron_benchmark(row['benchmark'])}")
    if row.get("rollup"):
        fields.append(f"rollup: {row['rollup']}")
    return f"({', '.join(fields)})"


def to_ron(start, periods, rows, changelog, scenarios, tail=()):
    out = ["(", "    version: 1,", f"    timeline: (start: {ron_str(start)}, periods: {periods}, step: Month),",
           "    sheets: [", "        (", '            name: "Model",', "            rows: ["]
    out += [f"                {ron_row(r)}," for r in rows]
    out += ["            ],", "        ),", "    ],"]
    if scenarios:
        out.append("    scenarios: [")
        for name, note, overrides in scenarios:
            items = ", ".join(f"(metric: {ron_str(metric)}, values: [{', '.join(ron_value(v) for v in values)}])"
                              for metric, values in overrides)
            out.append(f"        (name: {ron_str(name)}, note: {ron_str(note)}, overrides: [{items}]),")
        out.append("    ],")
    else:
        out.append("    scenarios: [],")
    if changelog:
        out.append("    changelog: [")
        for date, area, text, metrics in changelog:
            names = ", ".join(ron_str(n) for n in metrics)
            area = f"area: {ron_str(area)}, " if area else ""
            out.append(f"        (date: {ron_str(date)}, {area}text: {ron_str(text)}, metrics: [{names}]),")
        out.append("    ],")
    else:
        out.append("    changelog: [],")
    out += list(tail)  # founder-toolkit fields: funnels, investor view
    out.append(")")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Formula parser (Excel precedence) into tuples, and an evaluator.

TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
                   r"|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|<>|[-+*/^=<>%(),\[\]]))")
LEVELS = [("=", "<>", "<", ">", "<=", ">="), ("+", "-"), ("*", "/"), ("^",)]  # loosest first; no `&` here


def tokenize(text):
    tokens, pos, text = [], 0, text.rstrip()
    while pos < len(text):
        mt = TOKEN.match(text, pos)
        if not mt:
            raise SyntaxError(f"bad formula at {pos}: {text}")
        num, name, op = mt.groups()
        tokens.append(("num", float(num)) if num else ("name", name) if name else ("op", op))
        pos = mt.end()
    return tokens


def parse(formula):
    tokens = tokenize(formula.lstrip("="))
    pos = 0

    def peek():
        return tokens[pos][1] if pos < len(tokens) and tokens[pos][0] == "op" else None

    def take(op):
        nonlocal pos
        if peek() != op:
            raise SyntaxError(f"expected {op!r} in {formula}")
        pos += 1

    def binary(level):
        if level == len(LEVELS):
            return percent()
        node = binary(level + 1)
        while peek() in LEVELS[level]:
            op = peek()
            take(op)
            node = ("bin", op, node, binary(level + 1))
        return node

    def percent():
        node = unary()
        while peek() == "%":
            take("%")
            node = ("pct", node)
        return node

    def unary():
        if peek() in ("-", "+"):
            op = peek()
            take(op)
            return ("neg", unary()) if op == "-" else unary()
        return primary()

    def primary():
        nonlocal pos
        kind, val = tokens[pos]
        if kind == "num":
            pos += 1
            return ("num", val)
        if kind == "op":
            take("(")
            node = binary(0)
            take(")")
            return node
        pos += 1
        if val.upper() in ("TRUE", "FALSE"):
            return ("num", val.upper() == "TRUE")
        if peek() == "(":
            take("(")
            args = []
            while peek() != ")":
                args.append(binary(0))
                if peek() == ",":
                    take(",")
            take(")")
            return ("call", val.upper(), args)
        offset = 0
        if peek() == "[":
            take("[")
            sign = -1 if peek() == "-" else 1
            if sign < 0:
                take("-")
            offset = sign * int(tokens[pos][1])
            pos += 1
            take("]")
            return ("ref", val, offset, True)
        return ("ref", val, offset, False)

    node = binary(0)
    if pos != len(tokens):
        raise SyntaxError(f"trailing input in {formula}")
    return node


def excel_round(x, up=False):
    """ROUND(x, 0) (half away from zero) or ROUNDUP(x, 0) (away from zero).
    Refuses arguments within 1e-9 of the boundary, where an engine that snaps
    to 15 digits the way Excel does could round the other way."""
    a = abs(x)
    r = math.floor(a)
    frac = a - r
    near = min(frac, 1 - frac) if up else abs(frac - 0.5)
    assert near == 0 or near > 1e-9, f"rounding {x!r} too close to a boundary"
    if (frac > 0) if up else (frac >= 0.5):
        r += 1
    return math.copysign(r, x) if r else 0.0


BINOPS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "^": math.pow,
    "=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
    ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


class Model:
    def __init__(self, rows, periods):
        self.periods = periods
        self.rows = {}
        for row in rows:
            if "label" in row:
                name = row["name"] or derived_name(row["label"])
                assert name not in self.rows, f"duplicate name {name}"
                assert not name[0].isdigit() and not re.fullmatch(r"[a-z]{1,3}\d+", name), name
                assert row["formula"] or len(row["values"]) == periods, f"{name}: empty cells"
                self.rows[name] = (row, parse(row["formula"]) if row["formula"] else None)
        self.memo, self.busy = {}, set()

    def get(self, name, p):
        if p < 0 or p >= self.periods:
            return 0.0  # outside the timeline: empty
        key = (name, p)
        if key not in self.memo:
            assert key not in self.busy, f"circular reference at {key}"
            self.busy.add(key)
            row, tree = self.rows[name]
            v = row["values"][p] if p < len(row["values"]) else None
            if isinstance(v, str) and v.startswith("="):
                v, tree = None, parse(v)
            self.memo[key] = float(v) if v is not None else self.eval(tree, p)
            self.busy.discard(key)
        return self.memo[key]

    def eval(self, node, p):
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "ref":
            return self.get(node[1], p + node[2])
        if kind == "neg":
            return -self.eval(node[1], p)
        if kind == "pct":
            return self.eval(node[1], p) / 100
        if kind == "bin":
            return BINOPS[node[1]](self.eval(node[2], p), self.eval(node[3], p))
        name, args = node[1], node[2]
        if name == "IF":
            return self.eval(args[1] if self.eval(args[0], p) else args[2], p)
        if name == "MOD":
            return self.eval(args[0], p) % self.eval(args[1], p)  # sign of the divisor, as in Excel
        if name in ("ROUND", "ROUNDUP"):
            assert self.eval(args[1], p) == 0, "only 0 digits supported"
            return excel_round(self.eval(args[0], p), up=name == "ROUNDUP")
        values = []
        for a in args:
            if a[0] == "ref" and not a[3]:  # bare name: the whole row
                assert name == "SUM", f"bare name {a[1]} in {name}: ambiguous"
                values += [self.get(a[1], k) for k in range(self.periods)]
            else:
                values.append(self.eval(a, p))
        if name == "SUM":
            total = 0.0
            for v in values:  # left to right, like a spreadsheet (not math.fsum)
                total += v
            return total
        return {"MIN": min, "MAX": max}[name](values)


# --------------------------------------------------------------------------

def period_labels(start, periods):
    year, month = map(int, start.split("-"))
    labels = []
    for k in range(periods):
        y, mo = year + (month - 1 + k) // 12, (month - 1 + k) % 12 + 1
        labels.append(f"{calendar.month_abbr[mo]} {y}")
    return labels


def build(stem, start, periods, rows, changelog, scenarios):
    ron_rows, ron_changelog, tail = founder_data(stem, rows, changelog)
    (ROOT / "models" / f"{stem}.ron").write_text(to_ron(start, periods, ron_rows, ron_changelog, scenarios, tail),
                                                 encoding="utf-8")
    model = Model(rows, periods)
    for p in range(periods):  # period by period keeps the recursion shallow
        for name in model.rows:
            v = model.get(name, p)
            assert math.isfinite(v), f"{stem}: {name} period {p} is not finite"
    for _, _, metrics in changelog:
        assert all(n in model.rows for n in metrics), metrics
    for _, _, overrides in scenarios:
        for metric, values in overrides:
            assert metric in model.rows, metric
            assert len(values) <= periods, metric
    out = ROOT / "tests" / "data" / f"{stem}.expected.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["metric", "unit"] + period_labels(start, periods))
        for name, (row, _) in model.rows.items():
            w.writerow([row["label"], row["unit"]] + [repr(model.get(name, p)) for p in range(periods)])
    return model


def main():
    for spec in SPECS:
        build(*spec)
        print(f"wrote models/{spec[0]}.ron and tests/data/{spec[0]}.expected.csv ({len(spec[3])} rows)")


if __name__ == "__main__":
    sys.setrecursionlimit(10000)  # a whole-row SUM evaluates later periods on demand
    main()
