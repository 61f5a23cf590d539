"""Issue 10's patterns of real documents, each as short real-looking texts: the level they must get
and the evidence that must (or must not) count. Table-driven: (text, kind, level, must, must_not)
where `must` / `must_not` are (term id, counts?) checks on the level evidence."""
from __future__ import annotations

import pytest

from cv_matcher.api import analyse, report
from cv_matcher.models import Document
from cv_matcher.pay import find_pay
from cv_matcher.sections import split_sections


def _analyse(text: str, kind: str):  # noqa: ANN202 - Analysis
    doc = Document(source="case.txt", text=text, sections=split_sections(text))
    return analyse(doc, kind=kind)


def _level_terms(an) -> set[str]:  # noqa: ANN001
    """Terms that added level points (the setting adds none)."""
    return {key for key, per in an.verdict.contributions.items() if any(v > 0 for v in per.values())}


CASES = [
    # 1. Mentions are not duties: the team the role joins and the person it reports to.
    ("mention: reporting line and team name",
     "Finance Assistant\nEmployer: Northern Power Networks\n\nYou'll join our Project Management Office team as a finance assistant, "
     "reporting to the Head of PMO.\nYou will process invoices, reconcile supplier statements and post journals in Sage.\n"
     "You will run the purchase ledger and chase aged debt.\n", "advert", 0,
     (), ("title-pmo-manager", "programme-support")),
    ("mention: escalation to the Programme Manager is not programme management",
     "Project Administrator\n\nYou will take minutes at project meetings, maintain the RAID log and action log, provide "
     "diary management for the team and keep the document library in order. You will escalate issues to the Programme Manager.\n", "advert", 1,
     ("minute-taking", "diary-management"), ("title-programme-manager",)),
    # 2. The admin tier: a short administrator advert whose admin work supports projects.
    ("admin tier: short project administrator advert",
     "Project Administrator\nSalary: £21,500 per annum\n\nWe need an organised administrator to support our transformation projects: "
     "arrange meetings, take minutes and keep the action log up to date.\n", "advert", 1, ("minute-taking",), ()),
    # 3. Non-PMO documents with PMO words.
    ("look-alike: finance 'project coordinator' doing bookkeeping",
     "Accounts Assistant\n\nBookkeeping for a small firm: accounts payable, accounts receivable, bank reconciliation and VAT returns in "
     "Xero. Month-end close and payroll support. Occasionally helped a project coordinator with invoices.\n", "cv", 0, (), ()),
    ("look-alike: training-programme coordinator",
     "Training Programme Coordinator\nSalary: £24,000 per annum\n\nYou will coordinate our apprenticeship training programme: enrol "
     "learners, book trainers and classrooms, keep learner records\nup to date and chase assessment paperwork. You will organise "
     "induction days and monitor attendance.\n", "advert", 0, (), ()),
    ("look-alike: batch-record coordinator",
     "Batch Record Coordinator\nSalary: £26,000 per annum\n\nYou will review batch manufacturing records for GMP compliance, chase "
     "deviations with production, file completed records\nand coordinate the release documentation with Quality Assurance in our "
     "pharmaceutical manufacturing plant.\n", "advert", 0, (), ()),
    ("look-alike: a US 'Program Assistant' of a members' centre, no project work named",
     "PROGRAM ASSISTANT\nProgram Assistant with supervising experience.\nExperience\nProgram Assistant, 07/2013 to Current\n"
     "Billing, to include: Purchase Orders, childcare billing, refunds and credits for different programs.\n"
     "Assisted the Program Director with payroll and interviews for multiple programs.\nRun weekly program rosters and reports.\n"
     "File away statements and members information for various programs.\nResponsible for weekly and monthly reports.\n"
     "Ordered office supplies within a fixed office budget.\n", "cv", 0,
     ("title-project-administrator", "purchase-orders-invoices"), ()),
    ("the same admin work for projects is the admin tier",
     "PROGRAM ASSISTANT\nExperience\nProject Assistant, 07/2013 to Current\nRaise purchase orders and process invoices for the "
     "project team.\nAssisted the Project Manager with timesheets and onboarding for multiple projects.\nRun weekly project "
     "status reports.\nMaintain the project filing system and take minutes.\n", "cv", 1,
     ("purchase-orders-invoices",), ()),
    ("look-alike: IT coordinator",
     "IT Coordinator\n\nExperience\nIT Coordinator, Northside School  2018 - Present\n- Troubleshooting laptops and printers for 400 "
     "students; hardware and software installs\n- Manage Active Directory accounts and the help desk ticket queue\n"
     "- Coordinate the summer device refresh with the supplier\n", "cv", 0, (), ()),
    ("title trap: a research nurse's 'Project Coordinator' post with no project-office work",
     "Clinical Research Project Coordinator\nSalary: £38,890 - £44,503 p.a.\n\nThe renal team is looking for a registered nurse or "
     "healthcare professional to oversee the ongoing development of our national research project. You will manage large clinical "
     "data sets, work independently at several hospitals and share the project findings.\n", "advert", 0, (), ()),
    ("the same title over project-office work is a co-ordinator",
     "Project Coordinator\nSalary: £31,365 - £37,890 per annum\n\nWe are seeking an experienced Project Co-ordinator to provide "
     "support to the team in delivering our urgent care programmes. You will be supporting a team of project / programme managers, "
     "planning events and analysing data.\n", "advert", 2, ("support-project-team",), ()),
    ("'Agenda for Change' is the NHS pay system, not meeting agendas",
     "Project Administrator\nSalary: NHS Agenda for Change Band 3\n\nYou will arrange project meetings, take minutes, book "
     "travel and keep the project document library up to date for the project team.\n", "advert", 1,
     ("minute-taking", "document-control"), ("agendas-and-packs",)),
    ("weekly and monthly reports are status reporting, not board reporting",
     "Program Assistant\n\nExperience\nProgram Assistant, Riverside Project Hub  2019 - Present\n- Support the project team: "
     "purchase orders, filing and meeting minutes\n- Responsible for weekly and monthly reports on project progress\n", "cv", 1,
     ("status-reporting",), ("senior-management-reporting",)),
    # 4. A delivery Project Manager of one large project is not a PMO role.
    ("delivery PM of one large project",
     "Project Manager\n\nYou will be accountable for delivering a £12m hospital wing: lead the design team and contractors, own the "
     "budget, the programme and the client relationship through to handover. Manage the project team and report to the board.\n",
     "advert", 0, (), ()),
    ("PM of many small projects is co-ordinator work",
     "Project Manager\nSalary: £30,000 per annum\n\nYou will manage a caseload of 20-30 small fit-out projects at any one time. "
     "You will be the customer's main point of contact,\nbook engineers and installers, schedule site visits, track each job's "
     "milestones and keep the job tracker up to date.\n", "advert", 2, ("multi-project-coordination", "point-of-contact"), ()),
    # 5. Title variants of real text.
    ("title variant: Programme Management Office (PMO) Manager",
     "Programme Management Office (PMO) Manager\n\nYou will set up and run the PMO, define the governance framework and standards, "
     "manage a team of PMO analysts and report portfolio status to the executive board.\n", "advert", 4, ("title-pmo-manager",), ()),
    # 6. The current role decides a CV.
    ("current role: an old PMO job does not lift a developer",
     "Jane Smith\nSoftware Developer\n\nExperience\nSoftware Developer, Acme Ltd  2020 - Present\n"
     "- Build REST APIs in Python and Django; write unit testing suites; code reviews\n"
     "- Deploy microservices with Docker and Kubernetes on AWS\n\nPMO Analyst, Beta plc  2012 - 2015\n"
     "- Maintained the RAID log and produced the consolidated weekly programme report\n"
     "- Ran change control and tracked dependencies across workstreams\n\nEducation\nBSc Computer Science\n", "cv", 0, (), ()),
    ("current role: an old admin job does not pull down a PMO analyst",
     "Sam Jones\nPMO Analyst\n\nExperience\nPMO Analyst, Gamma Bank  2021 - Present\n"
     "- Maintain the programme RAID log and dependencies across 6 workstreams\n"
     "- Produce the consolidated weekly highlight report for the programme board\n"
     "- Run change control and track programme financials (budget, actuals, forecast)\n\n"
     "Office Administrator, Delta Dental  2015 - 2018\n- Answered phones, managed the reception diary, filing and ordering supplies\n\n"
     "Education\nBA History\n", "cv", 3, ("consolidated-reporting", "change-control", "dependency-management"), ()),
    ("setting up a PMO decides the level, even among many analyst duties",
     "Priya Patel\nSenior PMO Analyst\n\nExperience\nSenior PMO Analyst, Orbit Insurance  2021 - Present\n- Maintain the programme RAID log and track "
     "dependencies across workstreams\n- Produce the consolidated weekly highlight report and dashboards for the programme board\n"
     "- Run change control and track programme financials (budget, actuals, forecast)\n\nPMO Analyst, Vega Bank  2017 - 2021\n"
     "- Established a PMO from scratch for the digital programme\n"
     "- Maintained the RAID log and the resource plan\n\nEducation\nBSc Economics\n", "cv", 4, ("establish-pmo",), ()),
    ("current role: an executive who once set up a PMO is an executive",
     "Alex Reed\nExecutive Director\n\nExperience\nExecutive Director, Harbor Health Plans  2014 - Present\n"
     "- Lead the health plan service division: strategic planning, vendor management, product roadmap\n"
     "- Spearheaded a new internal consulting team and PMO; portfolio management of 12 initiatives and their timelines\n"
     "- Report to the CEO and the board; mentored directors\n\nEducation\nMBA\n", "cv", 0, (), ()),
    # 8. International wording: a US implementation consultant ("PTO", "program schedule") is not PMO work.
    ("US implementation consultant",
     "Alex Lee\nImplementation Consultant\n\nExperience\nImplementation Consultant, SaaSCo  2019 - Present\n"
     "- Configure the software for new clients, run training sessions and go-live support\n"
     "- Gather business requirements and write functional specifications; user acceptance testing\n"
     "- Track PTO for the team and coordinate the implementation program schedule\n", "cv", 0, (), ()),
    # 7. Budgets are not pay.
    ("budgets are not pay",
     "Project Coordinator\n\nYou will coordinate several small projects at once, be the main point of contact for the customer, "
     "book engineers and track milestones. The projects have budgets of £250k-£900k.\nSalary: £27,000 per annum\n", "advert", 2,
     ("point-of-contact",), ()),
]


@pytest.mark.parametrize("name, text, kind, level, must, must_not", CASES, ids=[c[0] for c in CASES])
def test_real_document_patterns(name: str, text: str, kind: str, level: int, must: tuple[str, ...], must_not: tuple[str, ...]) -> None:
    an = _analyse(text, kind)
    assert an.verdict.rank == level, an.verdict.reasons
    counted = _level_terms(an)
    for term in must:
        assert term in counted, (term, sorted(counted))
    for term in must_not:
        assert term not in counted, (term, sorted(counted))


def test_budget_figures_are_not_pay() -> None:
    from cv_matcher.lexicon import cached_lexicon

    settings = cached_lexicon(None).pay
    assert find_pay("Managed project budgets of £250k-£900k across 12 projects.", None, settings) is None
    assert find_pay("Each scheme is typically £50k-£400k.", None, settings) is None
    pay = find_pay("Budget holder for £2m of spend.\nSalary: £31,000 - £34,000 per annum", None, settings)
    assert pay is not None and (pay.min, pay.max) == (31000, 34000)


def test_plural_titles_are_the_people_around_the_role() -> None:
    an = _analyse("PMO Analyst\n\nYou will support our project managers and heads of PMO with consolidated weekly reporting, "
                  "maintain the RAID log and run change control across the portfolio.\n", "advert")
    assert an.verdict.rank == 3, an.verdict.reasons
    assert "title-pmo-manager" not in _level_terms(an)
    assert an.verdict.against_points == 0.0  # "project managers" is not a delivery-track title here


def test_confidence_and_alternative_are_reported() -> None:
    an = _analyse("Project Support Officer\nSalary: £24,000 per annum\n\nArrange meetings, take minutes, keep the RAID log and "
                  "produce the weekly highlight report for the programme board.\n", "advert")
    rep = report(an)
    level = rep["level"]
    assert 0.05 <= level["confidence"] <= 0.98
    if "alternative" in level:
        assert level["alternative"]["rank"] != level["rank"]
        assert 0 < level["alternative"]["probability"] < 1 - level["confidence"] + 1e-9


def test_an_admin_title_counts_against_the_family() -> None:
    """An Executive Assistant's or PA's title is admin, not project work (pmo-domain.md 2b): it weighs
    against the family, so diary, travel and minutes alone do not make a project administrator."""
    an = _analyse("Jordan Blake\nAdministrative Assistant\n\nExperience\nAdministrative Assistant to the Executive Team, Harbor Foods  "
                  "2016 - Present\n- Managed calendars and arranged travel for four executives\n- Took meeting minutes, prepared agendas "
                  "and kept the filing systems\n- Administrative support: expense reports, newsletter, records management\n", "cv")
    assert an.verdict.rank == 0
    assert an.verdict.against_points > 0
    assert "the role's own title is 'Administrative Assistant'" in an.verdict.reasons[0]


def test_a_text_that_never_names_project_work_says_so() -> None:
    text = next(c[1] for c in CASES if c[0].startswith("look-alike: a US 'Program Assistant'"))
    verdict = _analyse(text, "cv").verdict
    assert verdict.rank == 0
    assert "never names a project, a PMO or programme management" in verdict.reasons[0]
