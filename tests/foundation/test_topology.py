from foundation import topology


def test_deploy_order_and_lifecycles():
    assert topology.STACK_NAMES == ("core", "confluent", "demo")
    assert topology.PERSISTENT == ("core",)
    assert topology.EPHEMERAL == ("confluent", "demo")


def test_upstream_depends_on_how_demo_reads_confluent():
    assert topology.upstream_of("core", reads_remote_state=True) == ()
    assert topology.upstream_of("confluent", reads_remote_state=False) == ("core",)
    assert topology.upstream_of("demo", reads_remote_state=True) == ("confluent",)
    assert topology.upstream_of("demo", reads_remote_state=False) == ()


def test_dependents_are_torn_down_first():
    assert topology.dependents_of("confluent") == ("demo",)
    assert topology.dependents_of("demo") == ()


def test_every_dependency_comes_earlier_in_the_order():
    order = topology.STACK_NAMES
    for spec in topology.STACKS:
        for needed in (*spec.needs, *spec.reads_remote_state_of):
            assert order.index(needed) < order.index(spec.name)
