import pytest


@pytest.fixture
def staff(users):
    """One person per role of the normative workflow, operativos of 3301, 3302 and 1601; tokens by
    role (the first person of that role) and by name."""
    tokens = {}
    for nombre, rol, unidad in (("nora", "normativo", "09"), ("rita", "revisor", "09"), ("tito", "titular", "09"),
                                ("vale", "validador", "09"), ("oscar", "operativo", "3301"),
                                ("olga", "operativo", "3302"), ("otto", "operativo", "1601"),
                                ("cony", "consultor", "09"), ("aldo", "auditor", "09")):
        token = users(nombre, [rol], unidad, password=None)[1]
        tokens[nombre] = token
        tokens.setdefault(rol, token)
    return tokens
