"""The packages of `app` depend on each other in one direction only.

import-linter checks the full contracts in `make lint` (`pyproject.toml`); this test keeps the
rule that matters most for the domains in the suite too, and names the imports that break it.
"""

import grimp


def test_no_two_packages_of_the_app_import_each_other_even_indirectly():
    graph = grimp.build_graph("app")
    assert graph.nominate_cycle_breakers("app") == set(), "cut one of these imports"


def test_customers_and_vendors_come_below_udhaar_which_comes_below_the_bills():
    graph = grimp.build_graph("app")
    for lower, upper in [("app.parties", "app.udhaar"), ("app.udhaar", "app.sales")]:
        chains = graph.find_shortest_chains(importer=lower, imported=upper, as_packages=True)
        assert chains == set(), f"{lower} must not depend on {upper}: {sorted(chains)}"
