"""The code that needs a backend's own API; the only module that imports one.

Everything else in mnist_arith is `keras` and `keras.ops`. Two things here
cannot be:

1. The GAN's train and test steps, one small version per backend. Every loss
   is shared `keras.ops` code of `GAN` (`_discriminator_loss`,
   `_generator_loss`); what differs is how gradients are taken and applied:

   - TensorFlow: one `tf.GradientTape` per network.
   - PyTorch: `zero_grad`, `backward` and the optimizer under `no_grad`, per
     network.
   - JAX: `jax.value_and_grad` of a function that runs the loss inside a
     `keras.StatelessScope`, then the sub-optimizer's `stateless_apply`; the
     step returns the new state (variables, optimizer, metrics) as the JAX
     trainer expects.

   Each network's update uses its own optimizer (the model's `optimizer` is a
   `MultiOptimizer` holding both, so that every trainer carries their state),
   and the discriminator is updated before the generator sees it.

2. A gradient given by hand on JAX (`jax_custom_gradient`, `jax_on_cpu`), for
   `TransposedConvolution`, whose weight gradient XLA's CPU backend would
   otherwise run tens of times slower than the forward pass.

Backends are imported inside functions only, so that importing this module
needs none of them.
"""

from collections.abc import Callable

import keras


def gan_train_step(model, *args):
    """Runs `GAN.train_step` for the current backend."""
    return _step(model, "train", args)


def gan_test_step(model, *args):
    """Runs `GAN.test_step` for the current backend."""
    return _step(model, "test", args)


def _step(model, kind, args):
    backend = keras.backend.backend()
    steps: dict[tuple[str, str], Callable] = {
        ("tensorflow", "train"): _tensorflow_train_step,
        ("torch", "train"): _torch_train_step,
        ("jax", "train"): _jax_train_step,
        ("tensorflow", "test"): _tensorflow_test_step,
        ("torch", "test"): _torch_test_step,
        ("jax", "test"): _jax_test_step,
    }
    if (backend, kind) not in steps:
        raise ValueError(
            "The GAN trains on the jax, tensorflow and torch backends. "
            f"Received: backend={backend!r}"
        )
    return steps[backend, kind](model, *args)


def _networks(model):
    return (
        (model._discriminator_loss, model.discriminator, model.discriminator_optimizer),
        (model._generator_loss, model.generator, model.generator_optimizer),
    )


def _tensorflow_train_step(model, data):
    import tensorflow as tf

    images, labels = model._unpack(data)
    losses = []
    for loss_function, network, optimizer in _networks(model):
        variables = network.trainable_variables
        with tf.GradientTape() as tape:
            loss = loss_function(images, labels)
        optimizer.apply(tape.gradient(loss, variables), variables)
        losses.append(loss)
    model.optimizer.iterations.assign_add(1)
    return model._update_metrics(*losses)


def _tensorflow_test_step(model, data):
    images, labels = model._unpack(data)
    return model._update_metrics(
        model._discriminator_loss(images, labels, training=False),
        model._generator_loss(images, labels, training=False),
    )


def _torch_train_step(model, data):
    import torch

    images, labels = model._unpack(data)
    losses = []
    for loss_function, network, optimizer in _networks(model):
        model.zero_grad()
        loss = loss_function(images, labels)
        loss.backward()
        variables = network.trainable_variables
        gradients = [variable.value.grad for variable in variables]
        with torch.no_grad():
            optimizer.apply(gradients, variables)
        losses.append(loss.detach())
    model.optimizer.iterations.assign_add(1)
    return model._update_metrics(*losses)


def _torch_test_step(model, data):
    import torch

    with torch.no_grad():
        return _tensorflow_test_step(model, data)  # keras.ops only: shared


def _jax_train_step(model, state, data):
    groups = (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model.metrics_variables,
    )
    values = _jax_values(groups, state)
    images, labels = model._unpack(data)
    losses = []
    for loss_function, network, optimizer in _networks(model):
        losses.append(
            _jax_update(
                model, values, loss_function, network, optimizer, images, labels
            )
        )
    iterations = model.optimizer.iterations
    values[id(iterations)] = values[id(iterations)] + 1
    logs = _jax_update_metrics(model, values, losses)
    return logs, _jax_state(groups, values)


def _jax_update(model, values, loss_function, network, optimizer, images, labels):
    """One network's gradient step, reading and updating `values` in place."""
    import jax

    network_ids = {id(variable) for variable in network.trainable_variables}
    # The order the sub-optimizer was built with (see `GAN.compile`).
    trainable = [v for v in model.trainable_variables if id(v) in network_ids]
    others = [
        variable
        for variable in model.trainable_variables + model.non_trainable_variables
        if id(variable) not in network_ids
    ]

    def compute_loss(trainable_values):
        mapping = [(variable, values[id(variable)]) for variable in others]
        mapping += list(zip(trainable, trainable_values, strict=True))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            loss = loss_function(images, labels)
        updates = [
            scope.get_current_value(variable)
            for variable in model.non_trainable_variables
        ]
        return loss, updates

    (loss, updates), gradients = jax.value_and_grad(compute_loss, has_aux=True)(
        [values[id(variable)] for variable in trainable]
    )
    _jax_assign(values, model.non_trainable_variables, updates)
    new_trainable, new_optimizer = optimizer.stateless_apply(
        [values[id(variable)] for variable in optimizer.variables],
        gradients,
        [values[id(variable)] for variable in trainable],
    )
    _jax_assign(values, trainable, new_trainable)
    _jax_assign(values, optimizer.variables, new_optimizer)
    return loss


def _jax_test_step(model, state, data):
    groups = (
        model.trainable_variables,
        model.non_trainable_variables,
        model.metrics_variables,
    )
    values = _jax_values(groups, state)
    images, labels = model._unpack(data)
    variables = model.trainable_variables + model.non_trainable_variables
    mapping = [(variable, values[id(variable)]) for variable in variables]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        losses = [
            model._discriminator_loss(images, labels, training=False),
            model._generator_loss(images, labels, training=False),
        ]
    _jax_assign(
        values,
        model.non_trainable_variables,
        [scope.get_current_value(v) for v in model.non_trainable_variables],
    )
    logs = _jax_update_metrics(model, values, losses)
    return logs, _jax_state(groups, values)


def _jax_update_metrics(model, values, losses):
    variables = model.metrics_variables
    mapping = [(variable, values[id(variable)]) for variable in variables]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        logs = model._update_metrics(*losses)
    _jax_assign(values, variables, [scope.get_current_value(v) for v in variables])
    return logs


def _jax_values(groups, state):
    return {
        id(variable): value
        for variables, group_values in zip(groups, state, strict=True)
        for variable, value in zip(variables, group_values, strict=True)
    }


def _jax_assign(values, variables, new_values):
    for variable, value in zip(variables, new_values, strict=True):
        values[id(variable)] = value


def _jax_state(groups, values):
    return tuple(
        [values[id(variable)] for variable in variables] for variables in groups
    )


def jax_on_cpu() -> bool:
    """Whether Keras runs on JAX and JAX computes on a CPU."""
    if keras.backend.backend() != "jax":
        return False
    import jax

    return jax.default_backend() == "cpu"


def jax_custom_gradient(forward: Callable, backward: Callable) -> Callable:
    """`forward(*arguments)` whose JAX gradient `backward` gives.

    Args:
        forward: a function of arrays returning one array.
        backward: `(output_gradient, *arguments) -> gradients`, one per
            argument, in order.

    Returns:
        A function computing `forward`, with that gradient under `jax.grad`
        (`jax.custom_vjp`; forward-mode differentiation is not defined).
    """
    import jax

    @jax.custom_vjp
    def function(*arguments):
        return forward(*arguments)

    def forward_pass(*arguments):
        return forward(*arguments), arguments

    def backward_pass(arguments, output_gradient):
        return tuple(backward(output_gradient, *arguments))

    function.defvjp(forward_pass, backward_pass)
    return function
