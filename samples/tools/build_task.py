#!/usr/bin/env python3
"""Builds samples/task/{train,val,test}.tsv: a small labelled quality task for `curate finetune`.

Each row is one short text labelled `prose` (clean explanatory or narrative paragraphs a pretraining
quality filter should keep) or `junk` (navigation, cookie banners, footers, keyword spam, product
listings, error pages and the like, which it should drop), in English (`en`) or Chinese (`zh`).
All text is hand-written for this project: prose paragraphs are composed from per-topic sentence
pools, junk from per-kind templates with slot filling.

The test split is not a copy of train: in each language one prose topic and about a quarter of the
sentences of every other topic appear only in test (every test prose item uses at least one of them),
and three junk kinds per language are generated only for test. Every text is distinct across all
three files.

Deterministic: one random.Random(2026), lists only (no iteration over sets), no timestamps, so
re-running reproduces the files byte for byte.

Usage: python3 samples/tools/build_task.py   (Python 3.11, standard library only)
"""
import os
import random

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "task")
rng = random.Random(2026)

SPLITS = [("train", 480), ("val", 120), ("test", 120)]
PROSE_SHARE = 0.6
EN_PROSE_LEN = (250, 700)
ZH_PROSE_LEN = (100, 300)
EN_JUNK_LEN = (120, 700)
ZH_JUNK_LEN = (50, 310)

# =====================================================================================================
# MARK: English prose, one pool of standalone sentences per topic
# =====================================================================================================

EN_TOPICS = [
    ("astronomy", [
        "The Moon takes about 27 days to orbit the Earth, and it turns once on its axis in the same time, which is why we always see the same face.",
        "Stars that look close together in the sky are often very far apart, lined up only by chance from where we happen to stand.",
        "A light-year is a distance rather than a time: it is how far light travels in one year, roughly 9.5 trillion kilometres.",
        "Jupiter is so large that more than a thousand Earths could fit inside it, yet it spins once in under ten hours.",
        "Meteor showers happen when the Earth passes through the trail of dust left behind by a comet, and the same showers return on nearly the same dates each year.",
        "The planets do not shine by their own light; they reflect sunlight, which is why Venus can outshine every star in the evening sky.",
        "Astronomers can estimate the temperature of a star from its colour, with red stars being cooler and blue-white stars far hotter than the Sun.",
        "From a dark site away from town lights, an observer with normal eyesight can see around two or three thousand stars at once.",
        "Saturn's rings are made of countless pieces of ice and rock, some as small as grains of sand and others as large as houses.",
        "The seasons are caused by the tilt of the Earth's axis, not by changes in our distance from the Sun.",
        "A pair of ordinary binoculars is enough to show the craters of the Moon and the four largest moons of Jupiter.",
        "Sunlight takes a little over eight minutes to reach us, so we always see the Sun as it was a few moments ago.",
        "Comets spend most of their lives as dark, frozen lumps far beyond the planets, and grow their bright tails only when they swing close to the Sun.",
        "The International Space Station circles the Earth roughly every 90 minutes, so its crew sees about 16 sunrises (and 16 sunsets) each day.",
        "A day on Mars lasts 24 hours and 37 minutes, close enough to ours that mission teams on Earth sometimes live on Martian time for weeks.",
        "The Sun holds more than 99% of all the mass in the solar system; the planets and everything else are little more than leftover crumbs.",
    ]),
    ("earth", [
        "Some mountain ranges are still rising, pushed upward a few millimetres each year as the plates of the crust press against each other.",
        "Limestone forms mostly from the shells and skeletons of tiny sea creatures that settled on the floor of ancient oceans.",
        "Rivers carve their valleys slowly, carrying sand and pebbles that scrape the bed a little deeper with every flood.",
        "Volcanic soil is often very fertile, which explains why farms and villages crowd the slopes of mountains that may one day erupt again.",
        "Geologists read layers of rock like the pages of a book, with the oldest layers usually lying at the bottom.",
        "On the scale used for earthquakes, each whole step means roughly thirty times more energy released than the step below.",
        "Caves grow over thousands of years as slightly acidic rainwater dissolves limestone and carries it away.",
        "Glaciers move like very slow rivers of ice, and the boulders they drop can lie hundreds of kilometres from the rock they came from.",
        "Sand on many beaches is made mostly of quartz, a hard mineral that survives long after softer rocks have worn away.",
        "Hot springs appear where groundwater sinks deep enough to be heated by the rock below and then finds a path back to the surface.",
        "The deepest hole ever drilled reached a little over twelve kilometres, which is still only a scratch in the Earth's crust.",
        "Fossils are rare because a plant or animal must be buried quickly, before it rots or is eaten, for its shape to be kept in stone.",
        "Deserts are defined by how little rain they receive rather than by heat, so the frozen interior of Antarctica counts as a desert too.",
        "Mount Everest stands at about 8,849 metres, yet the tallest mountain measured from its base is Mauna Kea in Hawaii, most of which lies under the sea.",
        "Roughly 71% of the Earth's surface is covered by water, but only about 3% of that water is fresh (and most of it is frozen).",
        "The temperature of rock rises by around 25–30 °C for every kilometre you descend into the crust, which is why deep mines need powerful cooling.",
    ]),
    ("life", [
        "Every cell in the body carries a full copy of its genetic instructions, yet a skin cell and a nerve cell read very different parts of them.",
        "Bacteria can divide roughly every twenty minutes in good conditions, which is why food left in a warm kitchen spoils so quickly.",
        "Plants take in carbon dioxide through tiny pores on the undersides of their leaves and release oxygen as they make sugar.",
        "The human heart beats around a hundred thousand times a day without any conscious effort from its owner.",
        "Honeybees tell their hive mates where to find a good patch of flowers with a short dance that encodes both direction and distance.",
        "Many seeds can wait for years in dry soil and sprout only when enough rain finally arrives.",
        "Octopuses have most of their nerve cells in their arms, which lets each arm react to touch without waiting for the brain.",
        "The smallest blood vessels are so narrow that red blood cells must squeeze through them one at a time.",
        "Mushrooms are only the fruiting bodies of fungi; the main organism is a web of thin threads spread through soil or wood.",
        "Some trees in a forest share sugar and water through fungal networks that connect their roots underground.",
        "Birds are the living descendants of a group of dinosaurs, and their hollow bones are one of many features they share.",
        "A newborn baby has around three hundred bones, many of which slowly fuse together during childhood.",
        "Tardigrades, animals less than a millimetre long, can survive drying out completely and revive when water returns.",
        "An adult human body contains roughly 37 trillion cells, although estimates differ from one study to the next.",
        "A hummingbird's heart can beat more than 1,000 times a minute during flight, while a resting elephant's beats only about 30 times.",
        "Around 60% of an adult's body weight is water (a little less in older people), held in the cells, the blood and the spaces in between.",
    ]),
    ("history", [
        "The first known writing systems were used to keep records of grain, livestock and taxes rather than to tell stories.",
        "Roman roads were built in layers of stone, gravel and sand, and some of them are still walked on two thousand years later.",
        "Before mechanical clocks became common, many towns told the hours with sundials, marked candles or the bells of a church or temple.",
        "The printing press made books far cheaper in the decades after 1450, and the number of people who could read rose steadily as a result.",
        "The Silk Road was never a single road but a shifting web of routes along which goods, languages and ideas travelled between East and West.",
        "Medieval castles were often built on hills or beside rivers, where the land itself made an attack slower and harder.",
        "Paper was invented in China and took many centuries to spread westward, reaching Europe by way of the Arab world.",
        "Early sailors crossed open water by watching the stars, the swell of the waves and the flight of seabirds.",
        "The great pyramids of Giza were already ancient when Roman visitors came to stare at them as tourists.",
        "Public libraries open to anyone, without fees or membership, became common only in the nineteenth century.",
        "Many old town maps show a market square at the centre, because trade was the reason the town existed in the first place.",
        "Canals were the fastest way to move heavy goods overland for much of the eighteenth century, until railways took their trade.",
        "The bicycle went through many awkward designs, including one with a huge front wheel, before settling on the familiar shape around 1890.",
        "The Great Wall was not built in one go; most of the brick sections seen by visitors today date from the Ming dynasty (1368–1644).",
        "When the first railway across the United States was completed in 1869, a coast-to-coast journey of several months shrank to about a week.",
        "Many medieval towns charged a toll at the gate, often a few pennies per cart, and the money paid for walls, bridges and paving.",
    ]),
    ("nature", [
        "Robins and blackbirds often sing before dawn, when the air is still and their songs carry furthest.",
        "A single oak tree can support hundreds of species of insects, birds and fungi over its long life.",
        "Foxes have adapted so well to towns that many now live their whole lives among gardens, railway banks and parks.",
        "Migrating geese fly in a V shape because each bird saves energy by riding the air stirred up by the one in front.",
        "Autumn colours appear when trees stop making green chlorophyll, revealing yellow and orange pigments that were there all along.",
        "Hedgehogs can travel two kilometres in a night looking for food, so small gaps under garden fences help them more than people expect.",
        "Wetlands act like giant sponges, soaking up water after heavy rain and releasing it slowly during dry weeks.",
        "Squirrels bury far more nuts than they later find, and the forgotten ones can grow into new trees.",
        "Owls can turn their heads a long way round because their eyes are fixed in place and cannot move within their sockets.",
        "Many moths pollinate flowers as faithfully as bees do, although they work quietly at night.",
        "Dead wood left on the forest floor is not waste; it feeds beetles, fungi and the birds that hunt them.",
        "Frogs return to the same ponds each spring, sometimes crossing roads in large numbers on the first mild, wet evenings.",
        "Swifts spend almost their entire lives in the air, eating, drinking and even sleeping on the wing.",
        "A mature oak can draw more than 100 litres of water on a hot summer day, pulling it up from roots that spread wider than its crown.",
        "Arctic terns fly from the Arctic to the Antarctic and back each year, a round trip of up to 70,000 km, the longest migration known.",
        "Bats make up about one in five of all mammal species, and a single small bat can catch hundreds of insects in an hour.",
    ]),
    ("weather", [
        "Clouds form when moist air rises and cools until the water vapour in it condenses into tiny droplets.",
        "Water absorbs red light more strongly than blue, which is one reason deep, clear water looks blue.",
        "Tides rise and fall about twice a day, pulled mainly by the Moon and to a lesser extent by the Sun.",
        "Thunder is the sound of air expanding suddenly after being heated by a bolt of lightning.",
        "You can estimate how far away a storm is by counting the seconds between flash and thunder and dividing by three to get kilometres.",
        "Fog is simply a cloud that sits at ground level, usually forming on calm nights when the ground cools quickly.",
        "Ocean currents carry warm water from the tropics toward the poles, keeping some coastal cities much milder than their latitude suggests.",
        "Snowflakes usually have six arms because of the way water molecules link together as they freeze.",
        "A large share of the oxygen we breathe comes from tiny plants drifting in the sea rather than from forests on land.",
        "A rainbow always appears on the opposite side of the sky from the Sun, because it is made by light bouncing back out of raindrops.",
        "Sea water is salty because rivers have carried dissolved minerals into the oceans for millions of years, and evaporation leaves the salt behind.",
        "Forecasts for the next two or three days are now quite reliable, but beyond ten days they are little better than informed guesses.",
        "Wind is air moving from areas of high pressure toward areas of low pressure, bent sideways by the turning of the Earth.",
        "Air pressure at sea level averages about 1,013 hectopascals; a reading well below 1,000 usually means wet and windy weather is on the way.",
        "The highest air temperature ever officially recorded is 56.7 °C, measured in Death Valley, California, in July 1913.",
        "A fair-weather cumulus cloud can hold hundreds of tonnes of water, kept aloft as countless droplets too small to fall.",
    ]),
    ("cooking", [
        "Bread rises because yeast feeds on the sugars in flour and releases small bubbles of gas that the dough traps.",
        "Salting slices of aubergine before cooking draws out some of their water, so they brown instead of turning soft and soggy.",
        "A simple soup can be made from whatever vegetables are left at the end of the week, as long as it starts with onions softened slowly in a little oil.",
        "Rice cooks more evenly when it is rinsed first, because washing away the loose starch stops the grains from sticking together.",
        "Meat should rest for a few minutes after roasting so that its juices settle rather than running out onto the board.",
        "Fresh herbs such as basil and parsley lose their flavour quickly in heat and are best added at the very end.",
        "An oven thermometer costs very little and often reveals that a home oven runs ten or twenty degrees away from what its dial claims.",
        "Pancake batter improves if it rests for half an hour, giving the flour time to soak up the milk.",
        "Toasting whole spices in a dry pan for a minute releases their oils and makes a curry taste much fuller.",
        "A sharp knife is safer than a blunt one, because it cuts where it is aimed instead of slipping off the skin of a tomato.",
        "Lentils need no soaking and cook in about twenty minutes, which makes them one of the quickest sources of protein in the cupboard.",
        "Pastry stays flaky when the butter is kept cold, so many cooks chill both the bowl and the flour before they begin.",
        "Dumplings freeze very well, and a tray made on a quiet Sunday can provide several quick dinners later in the month.",
        "A squeeze of lemon at the end can brighten a dish that tastes flat, often better than another pinch of salt.",
        "Water boils at 100 °C at sea level but at only about 90 °C in high mountain towns, so pasta and eggs take longer to cook there.",
        "A basic loaf needs only four ingredients: 500 g of flour, about 350 ml of water, 10 g of salt and a little yeast.",
        "Baking powder starts to work as soon as it gets wet, so a cake batter should go into a hot oven (usually 180 °C) without delay.",
    ]),
    ("travel", [
        "Night trains have returned on several European routes, letting travellers fall asleep in one country and wake up in another.",
        "Booking a rail ticket a few weeks ahead is often much cheaper than buying one on the day, especially for long journeys.",
        "A small daypack, a refillable water bottle and comfortable shoes matter more on a city trip than any guidebook.",
        "Many museums open free of charge on one evening a week or one day a month, which is worth checking before a visit.",
        "Walking tours led by local volunteers are a good way to learn the history of a neighbourhood that most visitors pass straight through.",
        "Jet lag tends to be worse when flying east, because it is harder for the body to shorten its day than to lengthen it.",
        "Ferries between islands often run less frequently outside the summer months, so travellers should check timetables before planning a route.",
        "Carrying a little cash is still wise in rural areas, where small shops and bus drivers may not accept cards.",
        "The cheapest way to see a city from above is often a public hill or the top floor of a library rather than a paid viewing deck.",
        "Learning a few polite phrases in the local language, such as hello, please and thank you, makes almost every encounter warmer.",
        "Mountain weather changes quickly, so hikers should pack a warm layer and a rain jacket even on a bright morning.",
        "Local markets are a good place to eat well on a budget, and the busiest stalls are usually the freshest.",
        "Travel insurance is easy to forget, but a single visit to a hospital abroad can cost more than the whole holiday.",
        "On some routes a ticket bought 30 days ahead costs less than half the walk-up fare, though the cheapest tickets are often tied to one train.",
        "Most airlines allow one cabin bag of around 7–10 kg, and weighing it at home avoids a costly surprise at the gate.",
        "Travellers crossing six or more time zones usually need several days to adjust, roughly one day for every hour of difference.",
    ]),
    ("sport", [
        "A marathon is 42.195 kilometres long, a distance fixed in 1921 after it had been used at several earlier Olympic Games.",
        "Beginners who want to take up running are usually advised to alternate a minute of jogging with a minute of walking for the first few weeks.",
        "In football, the team that keeps the ball does not always win, because clear chances matter more than possession.",
        "Swimming works almost every muscle in the body while putting very little strain on the joints.",
        "Cyclists riding in a group take turns at the front, since the riders behind use noticeably less effort sheltered from the wind.",
        "Table tennis rewards quick reactions more than strength, which is why players of very different ages can enjoy a match together.",
        "Stretching gently after exercise, when the muscles are warm, tends to be more comfortable than stretching cold.",
        "Amateur football clubs rely on volunteers who mark the lines, wash the kit and run the tea hut on match days.",
        "Climbing walls grade their routes by difficulty, so a newcomer can begin on easy holds and progress at their own pace.",
        "A basketball court is 28 metres long in international games, slightly shorter than the court used in the main North American league.",
        "Rest days are part of training rather than a break from it, because muscles grow stronger while they recover.",
        "Badminton shuttlecocks are traditionally made with sixteen feathers, and makers are very particular about which feathers they use.",
        "Many towns hold a free timed run in the park every Saturday morning, open to walkers as well as runners.",
        "A pitch for international football matches must be between 100 and 110 metres long, and the goal is 7.32 m wide.",
        "The fastest 100 m sprinters reach top speeds of over 40 km/h, but they can hold that pace for only a few seconds.",
        "An Olympic swimming pool is 50 metres long and at least 2 metres deep, which keeps the water calmer for racing.",
    ]),
    ("money", [
        "Keeping a simple list of everything spent for one month often shows where money goes more clearly than any budgeting app.",
        "An emergency fund covering three to six months of essential costs gives a household time to adjust after a job loss or a large repair.",
        "Interest on a credit card balance can quickly grow larger than the original purchase if only the minimum payment is made.",
        "Buying store-brand staples such as flour, rice and tinned tomatoes can cut a weekly shopping bill without changing what the family eats.",
        "Compound interest means that savings earn interest on earlier interest, so small amounts put aside early can grow surprisingly large.",
        "Before signing a phone contract, it is worth adding up the total cost over two years rather than looking only at the monthly price.",
        "Inflation slowly reduces what a fixed sum of money can buy, which is why cash kept in a drawer loses value over time.",
        "Many banks let customers split their savings into separate pots, one for holidays, one for bills and one for repairs.",
        "A household budget works best when it includes a small amount for treats, since plans that allow no pleasure are rarely kept.",
        "Paying bills by automatic transfer on the day after payday makes it harder to spend money that is already needed elsewhere.",
        "Second-hand furniture and tools often cost a fraction of the new price and can last just as long.",
        "Diversifying means spreading savings across different kinds of assets, so that one bad year in one place does not ruin the whole plan.",
        "Comparing the price per kilogram on supermarket shelf labels is an easy way to see whether the larger pack is really a better deal.",
        "Saving £5 a day adds up to more than £1,800 a year, before any interest is earned.",
        "At 7% annual growth an investment roughly doubles every 10 years, a shortcut known as the rule of 72.",
        "Many utility companies offer a small discount, often 5–10%, for paying by direct debit and receiving bills by email.",
    ]),
    ("health", [
        "Most adults need between seven and nine hours of sleep a night, and regular bedtimes matter almost as much as the total.",
        "Washing hands with soap for twenty seconds removes most germs, and the rubbing matters as much as the soap.",
        "A brisk half-hour walk on most days of the week lowers the risk of heart disease and diabetes and often lifts the mood.",
        "Drinking water through the day helps concentration, and thirst is often mistaken for hunger or tiredness.",
        "Looking away from a screen every twenty minutes toward something far away gives the eye muscles a chance to relax.",
        "Vegetables of different colours contain different vitamins, so a varied plate is more useful than a large portion of one kind.",
        "Sunscreen should be applied generously and topped up after swimming, even on cloudy days when a burn is less obvious.",
        "Lifting heavy boxes with a straight back and bent knees protects the lower spine from strain.",
        "Caffeine can stay in the body for many hours, so a late-afternoon coffee may still be affecting sleep at midnight.",
        "Vaccines train the immune system to recognise a germ before a real infection arrives.",
        "Talking to a friend or a doctor about worry and low mood early on often keeps a small problem from becoming a large one.",
        "Standing up and moving for a few minutes every hour helps people who spend most of the day sitting at a desk.",
        "Regular dental check-ups catch small problems before they become painful and expensive.",
        "Adults are often advised to eat at least 5 portions of fruit and vegetables a day, where one portion weighs about 80 g.",
        "A normal resting heart rate for adults lies between 60 and 100 beats per minute, and fit athletes may sit closer to 50.",
        "Around 1 in 3 adults does not get enough sleep on a regular basis, which affects mood, memory and reaction time.",
    ]),
    ("computing", [
        "A password manager lets people use a different long password for every site while remembering only one.",
        "Computers store all data as patterns of ones and zeros, whether it is a photograph, a song or a spreadsheet.",
        "Backing up important files to a second place, such as an external drive or another computer, protects them when a disk fails without warning.",
        "Software updates often fix security holes, so delaying them for weeks leaves a machine open to attacks that are already well known.",
        "A spreadsheet can do much more than add numbers; it can sort lists, draw charts and flag mistakes in a column of figures.",
        "Search engines build an index of the web in advance, which is why they can return results in a fraction of a second.",
        "Compressing a file removes repeated patterns in its data, so plain text shrinks well while photos that are already compressed barely change.",
        "Writing small programs is a good way to learn, because each one shows quickly whether the idea behind it was right.",
        "A home router gives every device a local address and passes traffic between them and the wider internet.",
        "Two-step login, which asks for a code from a phone as well as a password, stops most attempts to break into an account.",
        "Version control systems keep every saved state of a project, so a programmer can always return to a version that worked.",
        "Many bugs come from assumptions about input, such as expecting a name to contain only letters or every date to use one format.",
        "An old laptop can often be given a second life by installing a lighter operating system and replacing its hard disk with a solid-state drive.",
        "A kilobyte was traditionally 1,024 bytes (2 to the power of 10), because computers count most naturally in powers of two.",
        "A 12-character password drawn from letters, digits and symbols has so many combinations that guessing it by brute force would take centuries.",
        "Many home computers of the early 1980s had just 64 KB of memory, less than a single photo taken on a modern phone.",
    ]),
    ("crafts", [
        "Knitting uses only two basic stitches, and nearly every pattern is built from different combinations of them.",
        "Woodworkers let freshly cut timber dry for months, sometimes years, because wet wood shrinks and cracks as it loses water.",
        "Clay must be wedged before it goes on the potter's wheel, a kneading process that pushes out air bubbles that could burst in the kiln.",
        "A sharp chisel and a steady hand matter more than expensive tools when learning to cut simple joints.",
        "Sewing a button back on takes five minutes and saves a shirt that might otherwise sit unworn in a drawer.",
        "Natural dyes can be made from onion skins, avocado stones and walnut shells, each giving a different shade on wool.",
        "Bookbinding by hand usually begins by folding sheets into small groups called signatures and sewing them together along the fold.",
        "Sanding wood along the grain rather than across it leaves a much smoother surface with fewer visible scratches.",
        "Repair cafés invite people to bring broken lamps, toasters and clothes, and volunteers show them how to fix the items themselves.",
        "A patchwork quilt can take a year to finish, and many are stitched from scraps of old clothes that carry family memories.",
        "Glazes change colour dramatically in the kiln, so potters keep small test tiles to remember how each mix turns out.",
        "Paper folding needs no tools at all, yet the same square of paper can become a crane, a box or a star.",
        "Measuring twice and cutting once is an old workshop rule that still saves more wood than any clever technique.",
        "A knitting pattern gives a gauge, such as 22 stitches and 30 rows to 10 cm, so that the finished piece comes out the right size.",
        "Most pottery is fired twice: first to about 1,000 °C for the bisque firing, then again after glazing.",
        "Wood glue sets in about 30 minutes but reaches full strength only after 24 hours, so clamps should stay on overnight.",
    ]),
    ("local", [
        "The weekly market in the town square has run on Thursday mornings for as long as most residents can remember.",
        "The public library now lends out tools, board games and sewing machines as well as books.",
        "A group of neighbours turned an empty plot behind the bus station into a shared garden with raised beds and a small pond.",
        "The bakery on the corner opens at six, and by seven there is usually a short queue of commuters waiting for warm rolls.",
        "Volunteers from the residents' association pick up litter along the river path on the first Saturday of every month.",
        "The old cinema, closed for almost ten years, reopened last spring as a community hall with film nights on Fridays.",
        "Local buses were rerouted this summer while the main bridge was repaired, adding about ten minutes to most journeys.",
        "The primary school holds a book swap each term, and children may take home one book for every book they bring.",
        "A retired carpenter runs a free workshop in the church hall where teenagers learn to build birdboxes and stools.",
        "The council has added forty new benches along the seafront after older residents asked for more places to rest.",
        "Street parties are held on the longest day of the year, with tables set out along the road and every household bringing a dish.",
        "The small museum above the post office collects old photographs of the town and asks families to lend more.",
        "Several cafés near the station now offer a small discount to customers who bring their own cups.",
        "The swimming pool on Mill Road reopened in May after a £2.4 million refurbishment, with a new learner pool and changing rooms.",
        "About 300 runners took part in this year's charity fun run, raising more than £6,000 for the hospice.",
        "The number 12 bus now runs every 15 minutes on weekdays (every 30 minutes on Sundays) after complaints about long waits.",
    ]),
    ("garden", [
        "Tomatoes need plenty of sun and regular watering, and uneven watering often causes their fruit to split.",
        "Compost turns kitchen peelings and garden waste into rich soil in about a year, faster if the heap is turned now and then.",
        "Planting flowers beside vegetables attracts insects that pollinate the crops and eat many of the pests.",
        "Most bulbs should be planted at a depth of about three times their own height.",
        "Watering in the early morning means less water is lost to evaporation and leaves dry off before evening.",
        "Mulching the soil with leaves or straw keeps moisture in and stops many weeds from growing.",
        "Potatoes can be grown in a large bucket on a balcony, as long as the bucket has holes in the bottom for drainage.",
        "Herbs such as rosemary and thyme prefer poor, dry soil and often grow better with a little neglect.",
        "Rotating crops each year, so that the same vegetable does not grow in the same bed twice running, helps prevent soil diseases.",
        "Saving seeds from the best plants at the end of the season gives next year's garden a head start at no cost.",
        "A rain barrel under a drainpipe can collect hundreds of litres of water over a wet month.",
        "Slugs are most active on damp evenings, which is the best time to look for them with a torch.",
        "Fruit trees are usually pruned in winter, when the branches are bare and their shape is easy to see.",
        "Most vegetable seeds germinate best when the soil is between 15 and 25 °C, so early sowings often start under glass.",
        "A raised bed of just 1 m² can produce a surprising amount of salad, often enough for one person from May to September.",
        "Lawns need about 25 mm of water a week in dry weather; an empty tin placed on the grass shows when the sprinkler has delivered that much.",
    ]),
    # Held out: only the test split uses this topic.
    ("arts", [
        "Learning an instrument as an adult is slower than as a child, but short, regular practice sessions still bring steady progress.",
        "Community choirs often welcome singers who cannot read music, since many parts are learned by ear in rehearsal.",
        "Watercolour paint is transparent, so artists usually work from light tones to dark ones and leave bare paper for the highlights.",
        "A piano has 88 keys, and its strings together pull on the frame with a force of many tonnes.",
        "A street mural can change the feel of a whole neighbourhood, turning a blank wall into a place where people stop and talk.",
        "Folk songs were often passed on for generations before anyone wrote them down, changing a little with every singer.",
        "Photographers often prefer the hour after sunrise and the hour before sunset, when the light is soft and the shadows are long.",
        "Drawing from life, even for ten minutes a day, trains the eye to see shapes and proportions more accurately.",
        "Orchestras tune to a note played by the oboe, because its clear sound is easy for the other players to hear.",
        "Many theatres sell cheap tickets on the day of the performance to students and people under twenty-five.",
        "The guitar spread around the world partly because it is light to carry and can accompany a singer on its own.",
        "Printmaking lets an artist produce many copies of one image, each slightly different depending on the ink and the pressure.",
        "Local brass bands often rehearse once a week in a school hall and play at fairs, parades and remembrance services.",
        "Concert pitch sets the A above middle C at 440 Hz (vibrations per second), though some early-music groups tune lower.",
        "Many galleries let visitors see their permanent collections for free, while special exhibitions may cost £10–£20 a ticket.",
        "A typical symphony orchestra has between 70 and 100 players, divided into strings, woodwind, brass and percussion.",
    ]),
]

# =====================================================================================================
# MARK: Chinese prose (简体中文), one pool per topic
# =====================================================================================================

ZH_TOPICS = [
    ("天文", [
        "月球绕地球一周大约需要二十七天，自转一周的时间也差不多，所以我们在地球上总是看到它的同一面。",
        "光年是距离单位而不是时间单位，指的是光在一年里走过的路程，大约九万五千亿公里。",
        "流星雨出现在地球穿过彗星留下的尘埃带的时候，因此每年大致在相同的日子里重现。",
        "行星本身并不发光，它们反射的是太阳光，金星在傍晚时分甚至比任何一颗恒星都亮。",
        "恒星的颜色反映了它的表面温度，偏红的恒星温度较低，蓝白色的恒星则比太阳热得多。",
        "在远离城市灯光的地方，视力正常的人一次大约能看到两三千颗星星。",
        "土星环由无数冰块和碎石组成，小的像沙粒，大的可以有一栋房子那么大。",
        "地球上有四季，是因为地轴是倾斜的，而不是因为地球离太阳时远时近。",
        "用一副普通的双筒望远镜，就能看清月球上的环形山和木星最大的四颗卫星。",
        "阳光到达地球需要八分多钟，所以我们看到的太阳其实是它几分钟以前的样子。",
        "彗星大部分时间在行星轨道之外默默运行，只有靠近太阳时才会长出明亮的彗尾。",
        "木星非常庞大，体积能装下一千多个地球，但它自转一周还不到十个小时。",
        "古人观察太阳和星辰来确定农时，二十四节气就与太阳在天空中的位置变化密切相关。",
        "国际空间站大约每90分钟绕地球一圈，宇航员一天之内能看到16次日出。",
        "火星的一天约为24小时37分钟，和地球相差不多，但它的一年却有687个地球日。",
        "太阳的质量占整个太阳系总质量的99%以上，其余的行星和小天体加起来也只是很小的一部分。",
    ]),
    ("地理", [
        "有些山脉至今仍在缓慢升高，地壳板块相互挤压，使它们每年抬升几毫米。",
        "石灰岩大多由远古海洋中微小生物的外壳和骨骼沉积而成。",
        "河流切割河谷的过程十分缓慢，每一次洪水带来的泥沙和卵石都会把河床磨深一点。",
        "火山灰形成的土壤通常非常肥沃，所以许多村庄和农田分布在火山的山坡上。",
        "地质学家像读书一样阅读岩层，一般来说，越靠下的岩层年代越久远。",
        "溶洞是在漫长的岁月里形成的，略带酸性的雨水一点点溶解石灰岩，再把它们带走。",
        "冰川像一条流动得极慢的河，它搬运的巨石可能落在离原来的山体几百公里远的地方。",
        "许多海滩上的沙子主要是石英，这种矿物很坚硬，较软的岩石早已磨碎，它却留了下来。",
        "温泉出现在地下水渗到足够深处、被岩层加热后又找到通道回到地面的地方。",
        "化石之所以珍贵，是因为动植物死后必须很快被掩埋，才不会腐烂或被吃掉。",
        "沙漠是按降水量来定义的，而不是按温度，所以冰天雪地的南极内陆也属于沙漠。",
        "黄河含沙量很高，每年把大量泥沙带到下游，逐渐堆积出广阔的冲积平原。",
        "喀斯特地貌在我国西南地区分布很广，峰林、溶洞和地下河都是它的典型景观。",
        "珠穆朗玛峰海拔8848.86米，是世界最高峰，而且由于板块运动，它至今仍在缓慢升高。",
        "地球表面约71%被水覆盖，但其中淡水只占3%左右，而且大部分以冰川的形式存在。",
        "地下每加深1公里，温度大约上升25～30℃，所以很深的矿井需要专门的降温设备。",
    ]),
    ("生命", [
        "身体里几乎每个细胞都带有一整套遗传信息，但皮肤细胞和神经细胞读取的是其中不同的部分。",
        "在适宜的条件下，细菌大约每二十分钟就能分裂一次，所以夏天放在室温下的饭菜很容易变质。",
        "植物通过叶片背面的气孔吸收二氧化碳，在制造糖分的同时释放出氧气。",
        "人的心脏每天跳动大约十万次，完全不需要我们有意识地去控制。",
        "蜜蜂会用一段“摇摆舞”告诉同伴花丛的方向和距离。",
        "有些种子能在干燥的土壤里休眠好几年，直到一场透雨之后才发芽。",
        "章鱼的大部分神经细胞分布在腕足里，所以每条腕足都能独立对触碰做出反应。",
        "我们吃的蘑菇只是真菌的子实体，真正的主体是藏在土壤或木头里的大量菌丝。",
        "鸟类是某一类恐龙的后代，中空的骨骼就是它们和恐龙共有的许多特征之一。",
        "新生儿大约有三百块骨头，其中不少会在成长过程中逐渐愈合在一起。",
        "缓步动物体长不到一毫米，却能在完全脱水后存活，遇水又重新活动起来。",
        "人体最细的毛细血管非常窄，红细胞只能一个接一个地排队通过。",
        "森林里的一些树木通过根部相连的真菌网络，彼此传递水分和养分。",
        "成年人的身体大约由37万亿个细胞组成（不同研究的估算略有差异）。",
        "蜂鸟飞行时心跳每分钟可以超过1000次，而大象安静时每分钟只跳30次左右。",
        "水约占成年人体重的60%，老年人的比例会稍低一些。",
    ]),
    ("历史", [
        "已知最早的文字大多用来记录粮食、牲畜和赋税，而不是用来讲故事。",
        "造纸术发明于中国，经过许多个世纪，才经由阿拉伯地区传到欧洲。",
        "丝绸之路并不是一条固定的道路，而是一张不断变化的交通网，商品、语言和思想沿着它东西往来。",
        "在机械钟普及之前，人们用日晷、刻漏或者鼓楼的鼓声来计时。",
        "活字印刷让书籍的成本大大降低，读书识字的人也随之多了起来。",
        "大运河连通了南北水系，在很长的时间里，粮食和货物主要靠漕船沿运河运往北方。",
        "古代的城池多建在河边或高地上，地形本身就能让进攻变得更加困难。",
        "郑和的船队曾七次远航，最远到达了东非沿岸。",
        "长城并不是一次修成的，不同朝代在不同地段反复修筑和加固，才形成今天看到的样子。",
        "古代的驿站每隔一段路程设置一处，供传递公文的人换马和休息。",
        "许多古镇的中心都有一条老街，因为集市贸易正是小镇兴起的原因。",
        "唐代长安城布局方正，街道像棋盘一样纵横交错，城内分为一百多个坊。",
        "北宋时期已经出现了纸币“交子”，比欧洲使用纸币早了几百年。",
        "今天游客看到的砖砌长城，大多修建于明代（1368—1644年）。",
        "1876年，上海出现了中国第一条营业铁路——吴淞铁路，不过它只运营了一年多就被拆除了。",
        "《齐民要术》成书于北魏时期，系统记录了当时的农业生产和食品加工技术。",
    ]),
    ("自然", [
        "麻雀和喜鹊常在清晨鸣叫，那时空气安静，声音能传得很远。",
        "一棵老橡树在漫长的一生中，可以养活几百种昆虫、鸟类和真菌。",
        "大雁南飞时排成“人”字形，后面的鸟借助前面的鸟扇动的气流，可以节省不少体力。",
        "秋天树叶变黄，是因为树木停止制造叶绿素，原本就存在的黄色和橙色色素显露了出来。",
        "湿地像一块巨大的海绵，大雨时吸收水分，干旱时再慢慢释放出来。",
        "松鼠埋藏的坚果远比它后来找到的多，那些被遗忘的种子有的会长成新树。",
        "猫头鹰的眼睛不能在眼眶里转动，所以它的脖子特别灵活，头可以转很大的角度。",
        "许多飞蛾和蜜蜂一样是重要的传粉者，只是它们在夜里默默工作。",
        "倒在林地上的枯木并不是废物，它养活了甲虫和真菌，也养活了捕食它们的鸟。",
        "每年春天，青蛙会回到同一片池塘产卵，雨后温暖的夜晚最为常见。",
        "雨燕几乎一生都在空中度过，吃东西、喝水甚至睡觉都在飞行中完成。",
        "城市里的公园和绿化带也能成为野生动物的家，刺猬、黄鼠狼和各种鸟都在这里生活。",
        "竹子是生长最快的植物之一，有的种类在雨季一天就能长高几十厘米。",
        "北极燕鸥每年往返于南北两极之间，一年的飞行距离可达7万公里左右。",
        "蝙蝠约占哺乳动物种类的五分之一，一只小蝙蝠一个小时就能吃掉数百只昆虫。",
        "大熊猫每天要花10个多小时进食，一天能吃下十几公斤竹子。",
    ]),
    ("天气", [
        "湿润的空气上升后逐渐冷却，其中的水汽凝结成细小的水滴，就形成了云。",
        "潮水每天大约涨落两次，主要受月球引力的影响，太阳的作用要小一些。",
        "雷声是闪电瞬间加热空气、空气急剧膨胀时发出的声音。",
        "看到闪电后数一数几秒钟才听到雷声，再除以三，就能大致知道雷暴离我们有几公里。",
        "雾其实就是贴近地面的云，多在无风、地面迅速降温的夜晚形成。",
        "洋流把热带的温暖海水带向高纬度地区，使一些沿海城市比同纬度的内陆温和得多。",
        "雪花通常有六个分支，这与水分子结冰时的排列方式有关。",
        "我们呼吸的氧气有很大一部分来自海洋里的浮游植物，而不只是陆地上的森林。",
        "彩虹总是出现在与太阳相对的那一侧天空，因为它是阳光在雨滴里反射回来形成的。",
        "海水是咸的，因为河流千百万年来不断把溶解的矿物质带进海洋，水分蒸发后盐分留了下来。",
        "三天以内的天气预报已经相当可靠，但超过十天，准确度就会明显下降。",
        "风是空气从高压区流向低压区形成的，地球自转又让它的方向发生偏转。",
        "梅雨一般出现在初夏，长江中下游地区常常连续多日阴雨，空气非常潮湿。",
        "海平面的平均气压约为1013百帕，气压明显低于1000百帕时，往往预示着风雨天气。",
        "气象上把日最高气温达到或超过35℃的天气称为高温天气。",
        "24小时内降水量达到50毫米以上，在气象上就称为暴雨。",
    ]),
    ("烹饪", [
        "发面时，酵母分解面粉里的糖分，产生的气体被面团包住，面团就慢慢膨胀起来。",
        "米饭下锅前淘洗一下，可以洗掉表面多余的淀粉，煮出来的米粒更加分明。",
        "炒青菜要大火快炒，出锅前再放盐，菜叶才能保持脆嫩和翠绿。",
        "炖肉时先把肉焯一下水，能去掉血沫和腥味，汤也会更清。",
        "饺子包好后可以冷冻起来，周末多包一些，平时下班回家十分钟就能吃上。",
        "把花椒和干辣椒先在锅里用小火炒香，再做麻婆豆腐，味道会更浓郁。",
        "西红柿炒鸡蛋看似简单，但鸡蛋先炒到七成熟盛出，最后再回锅，口感会嫩很多。",
        "熬粥时水要一次加足，中途加冷水会让米粒变硬，粥也不够黏稠。",
        "切洋葱前把洋葱放进冰箱冷藏一会儿，可以减少刺激眼睛的气体。",
        "蒸鱼的时间要看鱼的大小，一斤左右的鱼一般大火蒸八分钟就够了。",
        "红豆和绿豆提前浸泡几个小时，煮起来会快很多，也更容易煮烂。",
        "出锅前淋几滴醋，可以让菜的味道更鲜亮，有时比多放盐效果更好。",
        "锋利的菜刀其实比钝刀更安全，因为它不容易从食材表面滑开。",
        "在海拔3000米以上的高原，水的沸点只有90℃左右，煮面条和鸡蛋需要更长的时间。",
        "做一份普通的馒头面团，500克面粉大约需要250毫升温水和3克酵母。",
        "烤箱预热到180℃再放入蛋糕糊，蛋糕才能均匀膨胀，不容易塌陷。",
    ]),
    ("旅行", [
        "近年来，不少线路重新开通了卧铺夜车，旅客晚上上车睡一觉，第二天清晨就到了另一座城市。",
        "提前几周购买火车票通常比临时购买便宜，长途线路尤其如此。",
        "城市旅行时，一个轻便的双肩包、一个水杯和一双舒服的鞋，比任何攻略都重要。",
        "许多博物馆每周有一天免费开放，出发之前最好先查一下开放时间和预约方式。",
        "跟着当地志愿者的徒步导览走一走，能了解许多游客匆匆路过的老街区的历史。",
        "向东飞行时时差反应往往更明显，因为身体缩短一天比延长一天更难适应。",
        "海岛之间的渡轮在淡季班次较少，规划路线前一定要核对船期。",
        "山区天气变化很快，即使早晨阳光明媚，登山时也应带上保暖衣物和雨衣。",
        "当地的早市和夜市是花小钱吃好饭的好地方，排队的人越多，东西往往越新鲜。",
        "学几句当地方言里的问候语，常常能让与店主和路人的交流变得亲切许多。",
        "在偏远地区旅行，最好带一点现金，因为有些小店和乘车点不方便刷卡。",
        "自驾游前检查一下轮胎、刹车和备胎，可以避免在半路上遇到麻烦。",
        "去高原地区旅行，前两天应尽量少做剧烈运动，让身体慢慢适应缺氧的环境。",
        "高铁的最高运营时速可达350公里，从北京到上海最快只需4个多小时。",
        "多数航空公司规定随身行李不超过5～10公斤，出门前在家称一称，可以避免在登机口临时托运。",
        "跨越6个以上时区的长途旅行，身体通常需要好几天才能调整过来，大约每一小时的时差需要一天。",
    ]),
    ("体育", [
        "马拉松全程四十二点一九五公里，这个距离是在一九二一年正式确定下来的。",
        "刚开始跑步的人，可以先跑一分钟、走一分钟，交替进行几周后再逐渐延长跑步时间。",
        "在足球比赛中，控球率高的一方并不一定获胜，真正决定比赛的是射门机会。",
        "游泳几乎能锻炼全身的肌肉，而且对关节的压力很小。",
        "骑行的人结队出行时轮流领骑，跟在后面的人受风阻小，可以节省不少体力。",
        "乒乓球更看重反应速度而不是力量，所以不同年龄的人也能打得有来有回。",
        "运动后趁肌肉还热的时候做些拉伸，比在身体冰冷时拉伸更舒服。",
        "业余足球队靠许多志愿者维持，有人画场地线，有人洗球衣，有人负责联系比赛。",
        "攀岩馆会按难度给线路分级，新手可以从简单的岩点开始，按自己的节奏进步。",
        "休息日也是训练的一部分，肌肉正是在恢复的过程中变得更强壮的。",
        "羽毛球传统上用十六根羽毛制成，质量好的球对羽毛的选择非常讲究。",
        "广场舞和太极拳在许多城市的公园里随处可见，是中老年人最常见的锻炼方式。",
        "跳绳只需要一根绳子和一小块空地，十分钟就能让心跳明显加快。",
        "国际比赛用的足球场长100～110米，球门宽7.32米、高2.44米。",
        "顶尖的百米短跑运动员最高时速可以超过40公里，但只能维持短短几秒。",
        "奥运会的比赛泳池长50米，水深至少2米，这样水面更平稳，有利于比赛。",
    ]),
    ("理财", [
        "把一个月里的每一笔开销都记下来，往往比任何记账软件都更能看清钱花到了哪里。",
        "准备一笔相当于三到六个月基本开支的应急资金，可以让家庭在失业或大额维修时有缓冲的余地。",
        "信用卡如果每月只还最低还款额，利息很快就会超过当初消费的金额。",
        "复利意味着利息也能产生利息，所以越早开始存钱，时间带来的增长就越明显。",
        "签手机套餐之前，最好算一算两年下来的总费用，而不只是看每月的价格。",
        "通货膨胀会慢慢降低一笔固定金额的购买力，压在箱底的现金其实在悄悄贬值。",
        "家庭预算里留出一小部分娱乐开支，计划反而更容易坚持下去。",
        "发工资的第二天就自动转出房租和水电费，可以避免把已经有用途的钱花掉。",
        "二手家具和工具往往只要新品几分之一的价格，而且同样经久耐用。",
        "分散投资就是把钱放在不同类型的资产上，这样某一处的亏损不至于拖垮整个计划。",
        "超市价签上通常标有单价，比较每公斤的价格，就能知道大包装是不是真的更划算。",
        "遇到自称银行或客服、要求转账到“安全账户”的电话，应当立即挂断，再通过官方渠道核实。",
        "给孩子一点零花钱并让他们自己安排，是学习管理金钱的好办法。",
        "如果每天少花10元，一年下来就能多存3600多元，这还没算利息。",
        "按每年7%的收益率计算，一笔钱大约10年就能翻一番，这就是常说的“72法则”。",
        "不少信用卡有20～50天的免息期，只要在还款日前全额还款，就不需要支付利息。",
    ]),
    ("健康", [
        "大多数成年人每晚需要七到九个小时的睡眠，而且规律的作息和睡眠时长同样重要。",
        "用肥皂洗手二十秒能去除大部分病菌，搓洗的动作和肥皂本身一样关键。",
        "每周大多数日子快走半小时，可以降低患心脏病和糖尿病的风险，也有助于改善情绪。",
        "白天分几次喝水有助于集中注意力，口渴有时会被误以为是饥饿或疲倦。",
        "看屏幕二十分钟后，抬头望一望远处，可以让眼睛的肌肉得到放松。",
        "不同颜色的蔬菜含有不同的营养素，餐盘里的颜色丰富一些，比只吃一种蔬菜更好。",
        "阴天紫外线依然存在，外出时同样需要做好防晒，游泳后还要补涂防晒霜。",
        "搬重物时应当弯曲膝盖、保持背部挺直，这样能减轻腰部的负担。",
        "咖啡因在体内可以停留好几个小时，下午晚些时候喝的咖啡，可能到半夜还在影响睡眠。",
        "疫苗的作用是让免疫系统提前认识病原体，等真正的感染来临时能够迅速应对。",
        "长时间坐着办公的人，每隔一小时站起来活动几分钟，对身体很有好处。",
        "定期检查牙齿，可以在小问题变得疼痛和昂贵之前及时发现。",
        "饭后不宜立刻剧烈运动，休息半小时左右再散步会更舒服。",
        "营养学家建议成年人每天吃300～500克蔬菜，其中深色蔬菜最好占一半。",
        "成年人安静时的正常心率在每分钟60～100次之间，经常锻炼的人可能更低一些。",
        "成年人每天的食盐摄入量最好不超过5克，大约相当于一个啤酒瓶盖的量。",
    ]),
    ("计算机", [
        "密码管理器可以为每个网站生成不同的长密码，用户只需要记住一个主密码。",
        "计算机用一串串的零和一来存储所有数据，无论是照片、歌曲还是表格。",
        "把重要文件再备份到移动硬盘或另一台电脑上，硬盘突然损坏时资料也不会丢失。",
        "软件更新常常修补安全漏洞，拖延几周不更新，电脑就暴露在已知的攻击之下。",
        "搜索引擎会提前为网页建立索引，所以能在不到一秒的时间里返回结果。",
        "压缩文件的原理是去掉数据中重复的模式，所以纯文本压缩效果很好，而照片几乎压缩不了多少。",
        "家里的路由器给每台设备分配一个局域网地址，并负责它们与外部网络之间的通信。",
        "开启两步验证后，登录时除了密码还需要手机上的验证码，能挡住绝大多数盗号行为。",
        "版本控制系统会保存项目的每一个历史版本，程序员随时可以回到之前能正常运行的状态。",
        "很多程序错误源于对输入的假设，比如以为姓名只包含字母，或者日期只有一种格式。",
        "给旧笔记本换上固态硬盘，再装一个轻量的操作系统，往往能让它重新好用起来。",
        "学习编程最好的办法之一是多写小程序，每个小程序都能很快验证一个想法是否正确。",
        "汉字在计算机里需要用编码来表示，在常见的编码方式中，一个汉字通常占用两到三个字节。",
        "1KB通常等于1024字节，也就是2的10次方，因为计算机习惯以2的幂来计数。",
        "一个由字母、数字和符号组成的12位密码，组合数量多到用穷举法破解要花上几百年。",
        "上世纪80年代初的家用电脑往往只有64KB内存，还不如今天手机拍的一张照片大。",
    ]),
    ("手工", [
        "编织只有两种最基本的针法，几乎所有花样都是由它们组合变化而来的。",
        "木匠会把刚锯下的木材放置几个月甚至几年，因为湿木头在干燥时会收缩开裂。",
        "陶泥上拉坯机之前要反复揉练，把里面的气泡挤出去，否则烧制时可能炸裂。",
        "学做简单的榫卯结构时，一把锋利的凿子和一双稳定的手比昂贵的工具更重要。",
        "缝一颗掉了的扣子只需要五分钟，却能让一件衬衫重新穿起来。",
        "洋葱皮、核桃壳和茶叶都能用来做天然染料，染出的毛线颜色各不相同。",
        "手工装订书籍时，通常先把纸张折成小叠，再沿折痕把它们缝在一起。",
        "打磨木料时要顺着木纹的方向，这样表面更光滑，划痕也更少。",
        "一些社区开设了“维修咖啡馆”，志愿者教居民自己修理台灯、烤面包机和衣服。",
        "釉料在窑里烧过之后颜色变化很大，所以陶艺师会保留试片，记录每种配方的效果。",
        "剪纸只需要一把剪刀和一张红纸，却能剪出窗花、福字和各种动物图案。",
        "“量两次，锯一次”是木工房里的老规矩，它省下的木料比任何技巧都多。",
        "刺绣讲究针脚均匀，一幅精细的作品往往要花上好几个月才能完成。",
        "编织图样上通常会标注密度，比如10厘米内22针、30行，照着密度织，成品的尺寸才不会出错。",
        "大多数陶器要烧两次：第一次素烧约1000℃，上釉之后再烧一次。",
        "木工胶一般30分钟左右就能初步固定，但要24小时才能达到最大强度，所以夹具最好放一整夜。",
    ]),
    ("社区", [
        "镇上的集市逢农历三、六、九开市，附近村子的人一早就挑着菜来赶集。",
        "社区图书馆现在不仅借书，还能借工具、棋盘游戏和缝纫机。",
        "几位邻居把公交站后面的一块空地改成了共享菜园，修了几个种植箱和一个小水池。",
        "街角的早餐店六点开门，七点前门口就排起了等豆浆油条的队伍。",
        "居委会的志愿者每月第一个周六沿着河边步道捡拾垃圾。",
        "停业近十年的老电影院去年春天重新开放，改成了社区活动中心，每周五晚上放电影。",
        "今年夏天大桥维修期间，几条公交线路临时改道，大多数行程要多花十分钟左右。",
        "小学每学期举办一次图书交换活动，孩子们带来几本书，就能换回几本书。",
        "一位退休的木匠在活动室里开了免费木工课，教中学生做鸟窝和小板凳。",
        "应老年居民的要求，区里在滨江步道新增了四十张长椅。",
        "小区里的老人每天傍晚在楼下下棋，旁边总围着几个看热闹的邻居。",
        "镇上邮局楼上的小博物馆收集了许多老照片，还在向居民征集更多。",
        "车站附近的几家咖啡店推出了自带杯子减两元的活动。",
        "磨坊路的游泳馆经过240万元的翻修后于5月重新开放，新增了儿童浅水池和更衣室。",
        "今年的社区慈善长跑有300多人参加，共筹得善款6000余元。",
        "12路公交车工作日改为每15分钟一班（周日每30分钟一班），候车时间明显缩短。",
    ]),
    ("园艺", [
        "番茄需要充足的阳光和稳定的浇水，忽干忽湿容易导致果实开裂。",
        "厨余和落叶堆肥大约一年就能变成肥沃的土壤，经常翻动可以让它分解得更快。",
        "在菜地边种一些花，能吸引传粉的昆虫，也能引来吃害虫的益虫。",
        "种球茎类花卉时，埋土的深度一般是球茎高度的三倍左右。",
        "清晨浇水，蒸发损失的水分少，叶片在傍晚前也能晾干，不容易生病。",
        "在土面上铺一层落叶或稻草，可以保持土壤湿润，还能抑制杂草生长。",
        "阳台上用一个底部打了孔的大桶，也能种出一茬土豆。",
        "迷迭香和百里香喜欢干燥贫瘠的土壤，有时少管一点反而长得更好。",
        "同一块地每年换种不同的蔬菜，也就是轮作，可以减少土壤病害。",
        "秋天从长得最好的植株上留种，来年的菜园就能省下一笔买种子的钱。",
        "在落水管下放一个雨水桶，一个多雨的月份就能收集几百升水。",
        "蜗牛和蛞蝓在潮湿的傍晚最活跃，这时拿手电筒去菜地里找最容易发现它们。",
        "果树一般在冬季修剪，那时枝条光秃秃的，树形一目了然。",
        "大多数蔬菜种子在土温15～25℃时发芽最好，早春播种常常需要用小拱棚保温。",
        "一个1平方米的种植箱，从5月到9月就能为一个人提供不少新鲜的生菜。",
        "草坪在干旱季节每周大约需要25毫米的水，在草地上放一个空罐头，就能看出浇够了没有。",
    ]),
    # Held out: only the test split uses this topic.
    ("艺术", [
        "成年人学乐器比孩子慢一些，但只要坚持每天短时间练习，进步同样看得见。",
        "合唱团欢迎不识谱的人参加，很多声部都是在排练时跟着旋律一句句学会的。",
        "水彩颜料是透明的，画家通常从浅色画到深色，把留白当作画面里最亮的部分。",
        "钢琴有八十八个琴键，所有琴弦加在一起对琴架的拉力可以达到好几吨。",
        "一面街头壁画能改变整条街的气氛，让原本空白的墙成为人们驻足聊天的地方。",
        "许多民歌在被记录下来之前已经口口相传了好几代，每一位歌者都会让它稍有变化。",
        "摄影爱好者偏爱日出后和日落前的一个小时，那时光线柔和，影子也拉得很长。",
        "每天花十分钟对着实物写生，能训练眼睛更准确地把握形状和比例。",
        "交响乐团开演前以双簧管的音为准来调音，因为它的音色清亮，容易分辨。",
        "练习书法讲究先慢后快，初学者通常从楷书入手，把每一笔的起落写稳。",
        "二胡只有两根弦，却能拉出如泣如诉的旋律，是民乐中最常见的乐器之一。",
        "版画可以把同一幅图印出许多张，油墨和力度的细微差别让每一张都略有不同。",
        "京剧的脸谱用颜色来表现人物性格，红色多代表忠勇，白色常代表奸诈。",
        "国际标准音把中央C上方的A音定为440赫兹，也就是每秒振动440次。",
        "许多美术馆的常设展览免费开放，特展的门票一般在几十元到一百多元之间。",
        "一支标准的交响乐团通常有70到100名乐手，分为弦乐、木管、铜管和打击乐四个声部。",
    ]),
]

HELD_OUT_TOPIC = {"en": "arts", "zh": "艺术"}


def held_out_sentence(index):
    """Within every shared topic, sentences 3, 7 and 11 appear only in test items."""
    return index % 4 == 3


# =====================================================================================================
# MARK: Shared helpers for junk
# =====================================================================================================

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def en_date(r):
    y, m, d = r.randint(2009, 2025), r.randint(1, 12), r.randint(1, 28)
    style = r.randrange(5)
    if style == 0:
        return f"{MONTHS[m - 1]} {d}, {y}"
    if style == 1:
        return f"{d:02d}/{m:02d}/{y}"
    if style == 2:
        return f"{y}-{m:02d}-{d:02d}"
    if style == 3:
        return f"{d} {MONTHS[m - 1][:3]} {y}"
    return f"{MONTHS[m - 1][:3]} {d}, {y}"


def en_time(r):
    return f"{r.randint(1, 12)}:{r.randint(0, 59):02d} {r.choice(['am', 'pm'])}"


def zh_date(r):
    y, m, d = r.randint(2009, 2025), r.randint(1, 12), r.randint(1, 28)
    style = r.randrange(3)
    if style == 0:
        return f"{y}-{m:02d}-{d:02d}"
    if style == 1:
        return f"{y}年{m}月{d}日"
    return f"{y}/{m}/{d}"


def zh_time(r):
    return f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}"


def digits(r, n):
    return "".join(r.choice("0123456789") for _ in range(n))


def hexs(r, n):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def fill(target, unit, sep=" "):
    """Appends unit() results until the joined text reaches target characters."""
    parts = []
    while len(sep.join(parts)) < target:
        parts.append(unit())
    return sep.join(parts)


def fill_pieces(r, target, pieces):
    """Like fill, with units from a list of piece makers drawn in shuffled rounds (fewer verbatim repeats)."""
    deck = []

    def unit():
        if not deck:
            deck.extend(r.sample(pieces, len(pieces)))
        return deck.pop()()
    return fill(target, unit)


def slug(name):
    return "".join(c for c in name.lower() if c.isalnum())


# =====================================================================================================
# MARK: English junk
# =====================================================================================================

EN_SITES = ["Northfield Gazette", "PetalPress", "DailyTrail", "Harbor Home Goods", "QuickDeals24",
            "The Maple Forum", "CityBuzz", "GreenLeaf Outdoors", "TechNook", "BrightKitchen",
            "ValleyNews Online", "ShoeWorld Direct", "TravelSpot", "Riverside Community Board",
            "MegaMart Online", "FitLife Hub", "Oakridge Times", "PixelPlanet", "HomeFix Pro", "Sunny Recipes"]
EN_TLDS = [".com", ".co.uk", ".net", ".org", ".info", ".shop"]
EN_NAV = ["Home", "News", "Sport", "Business", "Weather", "Travel", "Culture", "Opinion", "Video", "Podcasts",
          "Shop", "Deals", "Contact", "About", "Blog", "Events", "Login", "Register", "Search", "Help", "FAQ",
          "Gallery", "Forums", "Jobs", "Newsletter", "Recipes", "Reviews", "Subscribe", "Careers",
          "Store Locator", "Gift Cards", "Sale", "New In", "Brands", "Men", "Women", "Kids", "Home & Garden",
          "Electronics", "Local", "World", "Politics", "Science", "Health", "Technology", "Entertainment",
          "Lifestyle", "Property", "Motoring", "Classifieds", "My Account", "Basket (0)", "Wishlist"]
EN_NAV_PREFIX = ["Skip to content", "Skip to main content", "Toggle navigation", "Menu ☰", "MAIN MENU",
                 "Navigation", "≡ Menu", "Jump to:"]
EN_FOOTER = ["About Us", "Contact Us", "Privacy Policy", "Terms of Use", "Terms & Conditions", "Cookie Policy",
             "Cookie Settings", "Sitemap", "Accessibility", "Careers", "Advertise With Us", "Press",
             "Help Centre", "Returns", "Shipping Info", "Affiliate Program", "Do Not Sell My Info",
             "Corrections", "RSS Feeds", "Newsletter", "Partners", "Investor Relations", "Store Finder",
             "Gift Cards", "Feedback", "Modern Slavery Statement", "Complaints"]
EN_CRUMBS = [
    ["Shop", "Kitchen", "Cookware", "Frying Pans"],
    ["News", "Local", "Transport", "Roadworks Update"],
    ["Blog", "Travel", "Europe", "Packing Tips"],
    ["Forums", "Hardware", "Laptops", "Battery Problems"],
    ["Products", "Garden", "Hoses & Reels"],
    ["Recipes", "Desserts", "Cakes", "Chocolate"],
    ["Support", "Downloads", "Drivers", "Printers"],
    ["Sport", "Football", "Fixtures", "Results"],
    ["Men", "Shoes", "Trainers", "Running"],
    ["Property", "For Sale", "Flats", "2 Bedrooms"],
    ["Help", "Orders", "Returns & Refunds"],
    ["Community", "Events", "Archive", "2019"],
]
EN_PRODUCTS = ["Men's Running Shoes", "Stainless Steel Water Bottle 750ml", "Wireless Earbuds",
               "Cotton Crew T-Shirt", "Non-Stick Frying Pan 28cm", "LED Desk Lamp", "Yoga Mat 6mm",
               "Shockproof Phone Case", "USB-C Charging Cable 2m", "Ceramic Coffee Mug", "Kids Rain Boots",
               "Bamboo Cutting Board", "Bluetooth Speaker", "Wool Winter Scarf", "Garden Hose 15m",
               "Memory Foam Pillow", "Laptop Backpack 15.6in", "Electric Kettle 1.7L", "Sports Socks 6-Pack",
               "Glass Food Containers Set", "Cordless Drill 18V", "Silicone Baking Mat"]
EN_COLOURS = ["Black", "White", "Navy", "Grey", "Red", "Olive", "Sand", "Charcoal", "Sky Blue"]
EN_CITIES = ["London", "Leeds", "Manchester", "Boston", "Denver", "Austin", "Toronto", "Sydney", "Dublin",
             "Glasgow", "Seattle", "Bristol"]
EN_USERS = ["mike_77", "sarahj", "TheRealDan", "guest_4821", "bluefox", "admin", "kitchenqueen", "Lurker2009",
            "dr_wrench", "n00bmaster", "amy.k", "greg.h", "pixel_pete", "Moderator", "tomtom88", "wanderlust_em"]
SEO_SEEDS = ["shoes", "running shoes", "car insurance", "cheap flights", "wedding dresses", "phone repair",
             "weight loss tea", "used cars", "home loans", "dog food", "gaming laptop", "hotel deals", "plumber",
             "roof repair", "designer handbags", "protein powder", "garden furniture", "kids toys"]
SEO_PATTERNS = ["best {k}", "cheap {k}", "buy {k} online", "{k} sale", "{k} near me", "discount {k}",
                "{k} free shipping", "top 10 {k}", "{k} reviews", "best cheap {k}", "{k} deals", "{k} {year}",
                "affordable {k}", "{k} for sale", "{k} online", "{k} {city}", "{city} {k}", "{k} uk",
                "{k} outlet", "{k} coupon code", "official {k} store", "{k} cheap price", "{k} best price"]
SEO_SENTENCES = [
    "Looking for {a}? You have come to the right place for {a}.",
    "We offer {a}, {b} and {c} at the lowest prices online.",
    "Buy {a} today and save big on {b}.",
    "Our {a} is the best {a} in {city}, with cheap {a} and fast delivery.",
    "{a} is our speciality, so if you need {b} or {c}, call now.",
    "Why pay more for {a}? Get {b} here.",
]
HEADLINE_X = ["Sourdough", "Electric Bikes", "Houseplants", "Budget Travel", "Home Offices", "Vinyl Records",
              "Hiking Boots", "Smart Watches", "Meal Prep", "Board Games", "Tiny Houses", "Cold Showers",
              "Retirement Savings", "Password Security", "Air Fryers", "Standing Desks"]
HEADLINE_Y = ["Save Money on Groceries", "Clean Your Oven", "Fix a Leaky Tap", "Sleep Better", "Start a Podcast",
              "Grow Tomatoes", "Learn Spanish Fast", "Pack for a Long Trip", "Pay Off Debt", "Declutter Your Home"]
HEADLINE_P = ["Grandmother", "Teenager", "Dog Owner", "Teacher", "Chef", "Cyclist", "Bus Driver", "Student"]
HEADLINE_T = ["{n} Things You Didn't Know About {x}", "Why Everyone Is Talking About {x}",
              "How to {y} in {n} Easy Steps", "The Best {x} of {year}, Ranked",
              "You Won't Believe What This {p} Did Next", "Local {p} Wins Award for {x} Project",
              "Everything You Need to Know About {x}", "{x}: What the Experts Say", "Top {n} {x} Tips for Beginners",
              "{n} Mistakes Everyone Makes With {x}", "Is {x} Worth It? Our Honest Verdict",
              "WATCH: {p} Tries {x} for the First Time", "This Simple Trick Will Help You {y}"]
EN_TEASERS = [
    "The council has confirmed new opening hours for the leisure centre from next month…",
    "Residents have been asked to share their views on plans for a new cycle lane…",
    "Our reviewer spent two weeks testing the latest budget phones, and the results may surprise you…",
    "Prices at the pump rose again this week, according to figures released on Monday…",
    "A popular bakery is closing after thirty years, and regulars are not happy…",
    "Experts say the trick is simpler than most people think…",
    "The match was decided in the final minute after a dramatic…",
    "Here is our pick of the best things to do this weekend, from markets to…",
    "Scientists have found a surprising link between…",
    "Tickets go on sale on Friday morning, but fans are warned to…",
    "In this week's episode we talk to a beekeeper about…",
    "The new menu features seasonal dishes and a selection of…",
]
READ_MORE = ["Read more »", "Read more…", "Continue reading →", "[…] Read more", "Full story »", "More ›",
             "READ MORE", "Click to read more"]


def en_site(r):
    return r.choice(EN_SITES)


def en_domain(r):
    return "www." + slug(r.choice(EN_SITES)) + r.choice(EN_TLDS)


def en_path(r):
    a = r.choice(["blog", "news", "shop", "products", "wp-content/uploads", "forum", "en", "category", "p"])
    b = r.choice(["2019/05", "item", "view", "local", "archive", "old", "tag", "page"])
    return f"/{a}/{b}/{r.choice(['article', 'post', 'id', 'file', 'thread'])}-{digits(r, r.randint(3, 6))}"


def en_headline(r):
    return r.choice(HEADLINE_T).format(n=r.randint(3, 15), x=r.choice(HEADLINE_X), y=r.choice(HEADLINE_Y),
                                       p=r.choice(HEADLINE_P), year=r.randint(2015, 2025))


def en_price(r):
    cur = r.choice(["$", "£", "€"])
    whole = r.randint(3, 249)
    cents = r.choice(["99", "95", "49", "00", "50"])
    return f"{cur}{whole}.{cents}"


def seo_kw(r, seed):
    return r.choice(SEO_PATTERNS).format(k=seed, year=r.randint(2018, 2025), city=r.choice(EN_CITIES))


def en_nav(r, target):
    sep = r.choice([" | ", " · ", "  ", " / ", " • ", " › "])
    head = r.choice(EN_NAV_PREFIX) + " " if r.random() < 0.6 else ""

    def unit():
        return sep.join(r.sample(EN_NAV, r.randint(5, 10)))
    return head + fill(target, unit, r.choice(["  ", " ", " ▾ "]))


def en_breadcrumb(r, target):
    def unit():
        arrow = r.choice([" > ", " » ", " / ", " › ", " → "])
        trail = arrow.join(["Home"] + r.choice(EN_CRUMBS))
        return r.choice(["You are here: ", "", "Back to: ", ""]) + trail + " " + r.choice(
            ["Back to top ↑", "Previous | Next", "« Previous article  Next article »", "Print this page",
             f"Last updated {en_date(r)}", "Share", "Related categories"])
    return fill(target, unit)


COOKIE_SENTENCES = [
    "We use cookies to give you the best possible experience on our website.",
    "By clicking Accept all, you agree to the storing of cookies on your device to enhance site navigation, analyse site usage and assist in our marketing efforts.",
    "This site uses cookies and similar technologies to personalise content and ads.",
    "Some cookies are essential for the site to work, while others help us understand how you use it.",
    "You can change your preferences at any time by visiting our Cookie Policy.",
    "We and our {n} partners store and access information on your device, such as unique identifiers.",
    "Your privacy is important to us.",
    "We value your privacy.",
    "By continuing to browse, you agree to our use of cookies.",
    "Please select which cookies you are happy for us to use.",
]
COOKIE_BUTTONS = ["Accept all", "Reject all", "Manage preferences", "Cookie settings", "OK, got it", "Learn more",
                  "Save and close", "Necessary only", "Allow selection", "ACCEPT", "Show purposes", "Vendor list"]
COOKIE_CATS = ["Strictly necessary cookies Always active", "Performance cookies ☐", "Targeting cookies ☐",
               "Functional cookies ☐", "Analytics ☑", "Advertising ☐", "Social media cookies ☐"]


def en_cookie(r, target):
    parts = [s.format(n=r.randint(40, 900)) for s in r.sample(COOKIE_SENTENCES, r.randint(2, 4))]
    parts.append(" | ".join(r.sample(COOKIE_BUTTONS, r.randint(2, 4))))
    text = " ".join(parts)
    if len(text) < target:
        text += " " + " ".join(r.sample(COOKIE_CATS, r.randint(2, 5)))
    if len(text) < target:
        text += " " + " | ".join(r.sample(COOKIE_BUTTONS, r.randint(2, 3)))
    return text


def en_footer(r, target):
    def links():
        return r.choice([" | ", " · ", "  "]).join(r.sample(EN_FOOTER, r.randint(5, 9)))
    extras = [
        lambda: f"© {r.randint(2005, 2025)} {en_site(r)}. All rights reserved.",
        lambda: f"Copyright © {r.randint(2000, 2015)}–{r.randint(2016, 2025)} {en_site(r)} Ltd",
        lambda: f"Registered in England and Wales No. 0{digits(r, 7)}.",
        lambda: "Follow us: Facebook Twitter Instagram YouTube TikTok",
        lambda: "Download our app: App Store | Google Play",
        lambda: f"VAT No. GB{digits(r, 9)}",
        lambda: "Back to top ↑",
        lambda: "Powered by WordPress | Theme by " + r.choice(["ThemeCo", "Astra Lite", "Nova Studio"]),
    ]

    def unit():
        return links() if r.random() < 0.5 else r.choice(extras)()
    return fill(target, unit)


def en_seo(r, target):
    seed = r.choice(SEO_SEEDS)
    def unit():
        if r.random() < 0.25:
            return r.choice(SEO_SENTENCES).format(a=seo_kw(r, seed), b=seo_kw(r, seed), c=seo_kw(r, seed),
                                                  city=r.choice(EN_CITIES))
        return r.choice([" ", ", ", " | ", " - "]).join(seo_kw(r, seed) for _ in range(r.randint(3, 7)))
    return fill(target, unit)


def en_products(r, target):
    def unit():
        bits = [r.choice(EN_PRODUCTS)]
        if r.random() < 0.5:
            bits.append(f"- {r.choice(EN_COLOURS)}")
        bits.append(f"SKU: {r.choice('ABCDEFGHKMNPRSTXZ')}{r.choice('ABCDEFGHKMNPRSTXZ')}-{digits(r, 5)}")
        if r.random() < 0.35:
            a, b = sorted([en_price(r), en_price(r)], key=lambda p: float(p[1:]))
            bits.append(f"Was {b} Now {a}" if a != b else a)
        else:
            bits.append(en_price(r))
        if r.random() < 0.5:
            stars = r.randint(2, 5)
            bits.append("★" * stars + "☆" * (5 - stars) + f" ({r.randint(1, 2400)})")
        bits.append(r.choice(["In stock", f"Only {r.randint(1, 5)} left", "Out of stock", "Ships in 2-3 days",
                              "Free delivery", "Pre-order"]))
        bits.append(r.choice(["Add to cart", "Add to basket", "Quick view", "Compare", "♡ Wishlist", "Buy now"]))
        return " ".join(bits)
    return fill(target, unit, r.choice([" ", " | ", " • "]))


def en_read_more(r, target):
    marker = r.choice(READ_MORE)
    def unit():
        bits = [en_headline(r)]
        if r.random() < 0.4:
            bits.append(r.choice(EN_TEASERS))
        if r.random() < 0.5:
            bits.append(en_date(r))
        bits.append(marker)
        return " ".join(bits)
    return fill(target, unit)


CLICK_ACTIONS = ["download the full report", "see all offers", "claim your free gift", "view the gallery",
                 "subscribe", "read the rest of this article", "contact our team", "watch the video",
                 "get 20% off your first order", "unlock premium content", "enter the competition",
                 "see today's deals", "find a store near you", "print this page", "view the PDF version"]


def en_click_here(r, target):
    def unit():
        a = r.choice(CLICK_ACTIONS)
        return r.choice([f"Click here to {a}.", f"Click here to {a}!", f"To {a}, click here.",
                         f">> CLICK HERE to {a} <<", f"Click here to {a} »", "Click here.",
                         "If you are not redirected within 5 seconds, click here.", f"[Click here] {a}"])
    return fill(target, unit)


def en_error(r, target):
    dom, path = en_domain(r), en_path(r)
    pages = [
        f"404 Not Found The requested URL {path} was not found on this server. Additionally, a 404 Not Found error was encountered while trying to use an ErrorDocument to handle the request. Apache/2.4.{r.randint(10, 58)} (Ubuntu) Server at {dom} Port {r.choice([80, 443])}",
        f"Oops! That page can't be found. It looks like nothing was found at this location. Maybe try one of the links below or a search? Search for: Search Recent Posts {en_headline(r)} {en_headline(r)}",
        f"502 Bad Gateway nginx/1.{r.randint(10, 25)}.{r.randint(0, 9)}",
        f"Error 500 Internal Server Error. Something went wrong on our end. Please try again later. Request ID: {hexs(r, 16)}",
        f"Access Denied You don't have permission to access {path} on this server. Reference #18.{hexs(r, 8)}.{digits(r, 10)}.{hexs(r, 7)}",
        f"Page not found (404). The page you are looking for might have been removed, had its name changed, or is temporarily unavailable. Go to homepage",
        f"503 Service Unavailable. The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.",
        f"This site can't be reached. {dom} took too long to respond. Try checking the connection. ERR_CONNECTION_TIMED_OUT",
    ]
    text = r.choice(pages)
    while len(text) < target:
        text += " " + r.choice([en_nav, en_footer])(r, r.randint(60, 160))
    return text


PLACEHOLDERS = ["Coming soon!", "This page is under construction.", "Please check back later.",
                "Loading...", "Please wait...", "Please enable JavaScript to view this site.",
                "Your content goes here.", "Title goes here", "Insert description here.", "[PLACEHOLDER]",
                "TODO: add copy", "Sample text. Edit this block to add your own text.", "Image coming soon",
                "No description available.", "Lorem text here", "Add a heading", "Untitled page",
                "Site launching {d}!", "We're working hard to bring you something great.", "Stay tuned!",
                "Enter your email to be notified when we launch.", "Notify me", "Page 1 of 1", "(empty)"]


def en_placeholder(r, target):
    return fill(target, lambda: r.choice(PLACEHOLDERS).format(d=en_date(r)))


def en_forum_login(r, target):
    pieces = [
        lambda: "You must be logged in to reply to this topic.",
        lambda: "Log in or register to join the discussion.",
        lambda: "Username: Password: ☐ Remember me Log in | Register | Lost your password?",
        lambda: f"This topic has {r.randint(2, 80)} replies, {r.randint(2, 20)} voices, and was last updated {r.randint(2, 11)} {r.choice(['months', 'years'])} ago by {r.choice(EN_USERS)}.",
        lambda: "Quick reply",
        lambda: "Viewing 1 post (of 1 total)",
        lambda: "Sign in with Google | Sign in with Apple",
        lambda: f"Welcome, guest! Please log in or sign up. There are {r.randint(3, 400)} users online.",
        lambda: "Only registered members can see links. Register now, it's free!",
        lambda: "New here? Create an account to start posting.",
    ]
    return fill_pieces(r, target, pieces)


def en_forum_sig(r, target):
    user = r.choice(EN_USERS)
    pieces = [
        lambda: f"{user} Posts: {r.randint(1, 9)},{digits(r, 3)} Joined: {MONTHS[r.randint(0, 11)][:3]} {r.randint(2004, 2020)} Location: {r.choice(EN_CITIES)}",
        lambda: f"Reputation: +{r.randint(1, 999)}",
        lambda: "--- My rig: " + r.choice(["Ryzen 5, 16GB RAM, GTX 1060", "i7-4790K, 32GB, RTX 2070", "old ThinkPad, 8GB"]) + " ---",
        lambda: "Sent from my phone",
        lambda: "If my post helped, please click Thanks!",
        lambda: f"Quote | Reply | Report | Thanks ({r.randint(0, 40)})",
        lambda: f"Last edited by {user}; {en_date(r)} at {en_time(r)}.",
        lambda: f"#{r.randint(2, 300)} {en_date(r)}, {en_time(r)}",
        lambda: "“Keep calm and carry on coding.”",
        lambda: "Signature: " + r.choice(["Always back up first!", "Garden, bikes, coffee.", "Proud member since day one."]),
        lambda: f"Originally Posted by {r.choice(EN_USERS)} View Post",
        lambda: "+1 this",
    ]
    return fill_pieces(r, target, pieces)


REPEATED = [
    "This product is great and I would recommend it to anyone.",
    "Please call us today for a free quote.",
    "The page you requested could not be found.",
    "Thank you for visiting our website.",
    "Stay tuned for more updates.",
    "Click the button below to continue.",
    "Sign up now and get instant access.",
    "All items are shipped within 24 hours.",
    "Check out our latest deals.",
    "We are the number one choice for customers in {city}.",
    "Best price guaranteed.",
    "Share this post with your friends.",
    "Your session has expired, please log in again.",
    "New products are added every week.",
]


def en_repeated(r, target):
    s = r.choice(REPEATED).format(city=r.choice(EN_CITIES))
    return fill(target, lambda: s)


EN_TAGS = ["recipes", "easy dinners", "travel tips", "budget", "DIY", "gardening", "news", "reviews", "family",
           "weekend", "how to", "summer", "winter", "fitness", "tech", "deals", "uncategorized", "photos",
           "London", "vegan", "kids", "books", "music", "cars"]


def en_tags(r, target):
    pieces = [
        lambda: "Tags: " + ", ".join(r.sample(EN_TAGS, r.randint(3, 8))),
        lambda: f"Posted on {en_date(r)} by {r.choice(EN_USERS)} | {r.randint(0, 58)} Comments",
        lambda: "Filed under: " + ", ".join(r.sample(EN_TAGS, r.randint(1, 3))),
        lambda: f"Updated {en_date(r)}",
        lambda: "Archives " + " ".join(f"{MONTHS[m]} {y} ({r.randint(1, 19)})" for m, y in
                                       [(r.randint(0, 11), r.randint(2012, 2025)) for _ in range(r.randint(2, 5))]),
        lambda: "Categories " + " ".join(f"{t.title()} ({r.randint(1, 80)})" for t in r.sample(EN_TAGS, r.randint(3, 6))),
        lambda: f"{en_date(r)} · {r.randint(1, 12)} min read",
        lambda: "Meta Log in Entries feed Comments feed",
    ]
    return fill_pieces(r, target, pieces)


CAPS_UNITS = ["HUGE SALE", "UP TO {p}% OFF", "LIMITED TIME ONLY", "SHOP NOW", "FREE SHIPPING ON ALL ORDERS",
              "DON'T MISS OUT", "BUY 1 GET 1 FREE", "TODAY ONLY", "LAST CHANCE", "CLEARANCE", "NEW ARRIVALS",
              "BEST PRICES GUARANTEED", "ACT NOW", "CALL NOW", "WIN A FREE IPAD", "100% FREE", "NO CREDIT CHECK",
              "EXCLUSIVE OFFER", "HURRY", "ENDS MIDNIGHT", "CLICK NOW", "OFFER EXPIRES {d}"]
CAPS_DECOR = [("!!! ", " !!!"), ("*** ", " ***"), (">>> ", " <<<"), ("$$$ ", " $$$"), ("★ ", " ★"),
              ("", "!!!"), ("", "!!"), ("【", "】"), ("--> ", " <--"), ("", "")]


def en_caps(r, target):
    def unit():
        a, b = r.choice(CAPS_DECOR)
        return a + r.choice(CAPS_UNITS).format(p=r.choice([30, 50, 70, 80, 90]), d=en_date(r).upper()) + b
    return fill(target, unit)


NEWSLETTER = [
    "Don't miss out!", "Subscribe to our newsletter and get {p}% off your first order.",
    "Join {n} readers who get our best stories every morning.", "Enter your email address",
    "Sign up", "No thanks, I don't like saving money.", "We respect your privacy.", "Unsubscribe at any time.",
    "By subscribing you agree to our Terms and Privacy Policy.", "Thanks for subscribing!",
    "Please check your inbox to confirm your subscription.", "Wait! Before you go…", "× Close",
    "Get the app for a better experience.", "Turn on notifications to never miss a deal.", "Allow | Block",
]


def en_newsletter(r, target):
    return fill(target, lambda: r.choice(NEWSLETTER).format(p=r.choice([10, 15, 20]), n=f"{r.randint(2, 90)},000"))


def en_share(r, target):
    pieces = [
        lambda: "Share this: " + " ".join(r.sample(["Facebook", "Twitter", "WhatsApp", "Email", "Print", "Pinterest",
                                                    "LinkedIn", "Reddit", "Telegram", "Copy link"], r.randint(3, 7))),
        lambda: "Like this: Like Loading...",
        lambda: f"{r.randint(2, 9)}.{r.randint(0, 9)}k shares",
        lambda: f"Follow us on Instagram @{slug(en_site(r))}",
        lambda: "Related",
        lambda: f"{r.randint(0, 300)} Comments",
        lambda: "Tweet Pin it Email",
        lambda: "Be the first to like this.",
    ]
    return fill_pieces(r, target, pieces)


def en_pagination(r, target):
    total = r.randint(120, 9000)
    pieces = [
        lambda: f"Showing 1–{r.choice([12, 20, 24, 48])} of {total:,} results",
        lambda: "Sort by: Popularity | Price: low to high | Price: high to low | Newest",
        lambda: "« Previous " + " ".join(str(i) for i in range(1, r.randint(4, 8))) + f" … {r.randint(20, 400)} Next »",
        lambda: "Items per page: 12 24 48 96",
        lambda: "Filter by: Price Brand Colour Size Rating",
        lambda: f"Page {r.randint(1, 40)} of {r.randint(41, 400)}",
        lambda: "Go to page: [ ] Go",
        lambda: "First ‹ Prev Next › Last",
    ]
    return fill_pieces(r, target, pieces)


SPAM_COMMENTS = [
    "Great post! I really enjoyed reading this.",
    "Thanks for sharing!!",
    "Check out my website for {kw}, it's the best.",
    "Very informative article, keep it up.",
    "I have been looking for this everywhere, thank you so much.",
    "Visit {dom} for {kw} at unbeatable prices.",
    "Nice blog, I bookmarked it.",
    "Hi admin, can I get your email? I have a business offer.",
    "This is exactly what I needed today.",
    "Earn $500 a day from home, click my profile to learn how.",
]


def en_spam_comments(r, target):
    def unit():
        head = f"{r.choice(EN_USERS)} says: {en_date(r)} at {en_time(r)}"
        body = " ".join(r.choice(SPAM_COMMENTS).format(kw=seo_kw(r, r.choice(SEO_SEEDS)), dom=en_domain(r))
                        for _ in range(r.randint(1, 2)))
        return f"{head} {body} {r.choice(['Reply', 'Reply ↓', 'Log in to reply', 'Report'])}"
    return fill(target, unit)


def en_specs(r, target):
    def unit():
        return " ".join([
            f"Brand: {r.choice(['Voltra', 'Homely', 'Kestrel', 'NordWay', 'Bluepeak'])}",
            f"Model: {r.choice('ABCDKXZ')}{digits(r, 3)}-{r.choice(['S', 'X', 'Pro', 'Lite'])}",
            f"Colour: {r.choice(EN_COLOURS)}",
            f"Weight: {r.randint(1, 9)}.{r.randint(0, 9)} kg",
            f"Dimensions: {r.randint(10, 90)} x {r.randint(10, 60)} x {r.randint(2, 40)} cm",
            f"Material: {r.choice(['Plastic', 'Aluminium', 'Steel', 'Cotton', 'Polyester', 'Glass'])}",
            f"Warranty: {r.randint(1, 5)} years",
            f"EAN: {digits(r, 13)}",
        ][:r.randint(4, 8)])
    return fill(target, unit, r.choice([" ", " | ", " // "]))


def en_search_empty(r, target):
    q = seo_kw(r, r.choice(SEO_SEEDS))
    pieces = [
        lambda: f"Search results for: {q}",
        lambda: f"Sorry, no results were found for “{q}”.",
        lambda: "Please try again with different keywords.",
        lambda: "Popular searches: " + ", ".join(seo_kw(r, r.choice(SEO_SEEDS)) for _ in range(r.randint(3, 5))),
        lambda: f"Did you mean: {q.replace(' ', '')}?",
        lambda: "0 results",
        lambda: "Search tips: check your spelling, use fewer words.",
        lambda: "Search ▸ [ Go ]",
    ]
    return fill_pieces(r, target, pieces)


def en_paywall(r, target):  # test only
    pieces = [
        lambda: "Subscribe to continue reading.",
        lambda: f"You have read {r.randint(2, 5)} of {r.randint(5, 6)} free articles this month.",
        lambda: "Already a subscriber? Log in.",
        lambda: f"Get unlimited access for just {r.choice(['$', '£', '€'])}{r.randint(1, 4)}.99 a week. Cancel anytime.",
        lambda: f"Offer ends {en_date(r)}.",
        lambda: f"Digital {r.choice(['$', '£', '€'])}{r.randint(4, 12)}.99/month | Print + Digital {r.choice(['$', '£', '€'])}{r.randint(15, 40)}.99/month | Best value",
        lambda: "This article is for subscribers only.",
        lambda: "Continue with Google | Continue with email",
        lambda: "Support independent journalism.",
    ]
    return fill_pieces(r, target, pieces)


def en_ticker(r, target):  # test only
    def unit():
        if r.random() < 0.6:
            name, low, high = r.choice([("DOW", 28000, 44000), ("NASDAQ", 11000, 19000), ("S&P 500", 3500, 6000),
                                        ("FTSE 100", 6800, 8800), ("DAX", 12000, 20000), ("NIKKEI", 25000, 40000),
                                        ("BTC", 20000, 90000), ("GOLD", 1700, 2700)])
            return f"{name} {r.randint(low, high):,}.{digits(r, 2)} {r.choice(['▲', '▼'])} {r.randint(0, 3)}.{digits(r, 2)}%"
        if r.random() < 0.3:
            return f"{r.choice(['EUR/USD', 'GBP/USD', 'USD/JPY'])} {r.choice(['1.0', '1.2', '14'])}{digits(r, 3)} {r.choice(['▲', '▼'])}"
        return f"{r.choice(EN_CITIES)} {r.randint(-5, 34)}°C {r.choice(['☀', '☁', '☂', '❄', '⛅'])}"
    return fill(target, unit, r.choice([" | ", "  ", " · "]))


def en_media(r, target):  # test only
    pieces = [
        lambda: "Advertisement",
        lambda: f"Image {r.randint(1, 9)} of {r.randint(10, 30)}",
        lambda: f"Photo: {r.choice(['Stock Images', 'Staff photographer', 'Supplied', 'PA Wire', 'Getty'])}",
        lambda: "Video Player is loading. Play Video Play Mute",
        lambda: f"Current Time 0:00 / Duration {r.randint(0, 9)}:{r.randint(0, 59):02d}",
        lambda: "Loaded: 0%", lambda: "Skip Ad ›", lambda: "ADVERTISEMENT - CONTINUE READING BELOW",
        lambda: "Sponsored Content", lambda: f"Ad ({r.randint(1, 3)} of {r.randint(3, 4)})",
        lambda: "Fullscreen", lambda: "Close ×",
    ]
    return fill_pieces(r, target, pieces)


def en_mixed(r, target):
    makers = r.sample([en_nav, en_cookie, en_footer, en_breadcrumb, en_share, en_tags, en_newsletter], 3)
    parts, size = [], 0
    for maker in makers:
        piece = maker(r, r.randint(60, max(80, target // 3)))
        parts.append(piece)
        size += len(piece)
        if size >= target:
            break
    return " ".join(parts)



DOORWAY_SEEDS = ["plumber", "locksmith", "roofer", "electrician", "dentist", "cleaner", "removal company",
                 "driving instructor", "wedding photographer", "dog groomer", "emergency plumber", "accountant"]
DOORWAY_SENTENCES = [
    "Looking for {a} {k} in {c}? Our {c} {k} team is the best {k} in {c}.",
    "We are a trusted {k} serving {c} and all areas near {c}.",
    "If you need a cheap {k} in {c}, call our {k} experts today.",
    "Our {k} services in {c} include emergency {k} work, local {k} visits and affordable {k} prices.",
    "Every {k} in our {c} {k} team has years of {k} experience.",
    "Choose the number one {k} in {c} for all your {k} needs.",
    "Contact the best {k} {c} has to offer for a free {k} quote.",
    "Thousands of customers in {c} trust our {k} for fast and reliable {k} work.",
    "Need {a} {k} near {c}? Our {k} is available in {c} now.",
    "Book your {c} {k} online and get the best {k} deal in {c}.",
]


def en_doorway(r, target):
    k, c = r.choice(DOORWAY_SEEDS), r.choice(EN_CITIES)
    a = "an" if k[0] in "aeiou" else "a"
    return fill_pieces(r, target, [lambda t=t: t.format(a=a, k=k, c=c) for t in DOORWAY_SENTENCES])


TERMS_SENTENCES = [
    "By using this website you agree to be bound by these terms of use.",
    "We may change these terms at any time without notice.",
    "The content of this site is provided for general information only and does not constitute advice.",
    "We accept no liability for any loss arising from the use of this site.",
    "All trademarks are the property of their respective owners.",
    "Links to third-party sites are provided for convenience only.",
    "Unauthorised copying of any material on this site is prohibited.",
    "These terms are governed by the laws of England and Wales.",
    "If any part of these terms is found to be invalid, the rest will remain in force.",
    "Prices and availability are subject to change without notice.",
    "You must be at least 18 years old to use this service.",
    "We reserve the right to suspend any account at our sole discretion.",
]


def en_terms(r, target):
    head = r.choice(["Terms of Use", "Legal Notice", "Disclaimer", "Terms and Conditions", ""])
    body = fill_pieces(r, target, [lambda t=t: t for t in TERMS_SENTENCES])
    return (f"{head} {r.randint(1, 12)}. " if head and r.random() < 0.4 else (head + " " if head else "")) + body


EN_CLOSING = ["All rights reserved.", "Thank you for visiting.", "Prices include VAT.", "Terms and conditions apply.",
              "Please try again later.", "Images are for illustration only.", "Offer valid while stocks last.",
              "This page was last updated on {d}.", "We aim to reply within two working days.", "Comments are closed.",
              "Some links on this page are affiliate links.", "Delivery times may vary during busy periods.",
              "Please read our privacy notice before submitting the form.", "Sorry for any inconvenience."]

EN_JUNK_SHARED = [en_nav, en_breadcrumb, en_cookie, en_footer, en_seo, en_products, en_read_more, en_click_here,
                  en_error, en_placeholder, en_forum_login, en_forum_sig, en_repeated, en_tags, en_caps,
                  en_newsletter, en_share, en_pagination, en_spam_comments, en_specs, en_search_empty, en_mixed,
                  en_doorway, en_terms]
EN_JUNK_TEST_ONLY = [en_paywall, en_ticker, en_media]

# =====================================================================================================
# MARK: Chinese junk
# =====================================================================================================

ZH_SITES = ["乐购商城", "城市生活网", "大众资讯网", "快乐家居", "好物优选", "本地宝典", "新视界门户", "阳光论坛",
            "绿叶健康网", "小鱼下载站", "天天特价", "云端科技", "家常菜谱网", "旅途攻略网", "东方财经频道"]
ZH_NAV = ["首页", "新闻", "体育", "财经", "娱乐", "科技", "汽车", "房产", "教育", "旅游", "健康", "美食", "视频",
          "图片", "论坛", "博客", "专题", "下载", "商城", "会员中心", "登录", "注册", "关于我们", "联系我们",
          "帮助中心", "网站地图", "手机版", "客户端", "热门推荐", "排行榜", "社区", "本地", "招聘", "二手", "问答"]
ZH_CRUMBS = [["新闻中心", "行业动态", "正文"], ["产品中心", "厨房电器", "电饭煲"], ["论坛", "数码交流", "手机"],
             ["美食", "家常菜", "川菜"], ["旅游", "国内游", "攻略"], ["下载中心", "软件", "系统工具"],
             ["健康", "养生", "饮食"], ["房产", "二手房", "出售"], ["教育", "考试", "四六级"], ["汽车", "新车", "报价"]]
ZH_PRODUCTS = ["男士运动跑鞋", "不锈钢保温杯500ml", "无线蓝牙耳机", "纯棉短袖T恤", "不粘锅炒锅32cm", "LED护眼台灯",
               "加厚瑜伽垫", "防摔手机壳", "快充数据线2米", "陶瓷马克杯", "儿童雨靴", "竹制砧板", "便携蓝牙音箱",
               "羊毛围巾", "记忆棉枕头", "双肩电脑包", "电热水壶1.7L", "运动袜6双装", "玻璃保鲜盒套装", "家用电饭煲"]
ZH_KW = ["搬家公司", "装修公司", "减肥药", "二手车", "英语培训", "网站建设", "空调维修", "婚纱摄影", "机票预订",
         "小额贷款", "开锁公司", "家政服务", "驾校报名", "考研培训"]
ZH_CITIES = ["北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "南京", "西安", "重庆", "长沙", "郑州"]
ZH_KW_PATTERNS = ["{c}{k}", "{k}哪家好", "{k}电话", "{c}{k}价格", "便宜{k}", "{k}排名", "专业{k}", "{k}推荐",
                  "{c}最好的{k}", "{k}多少钱", "正规{k}", "{k}官网", "{c}{k}哪家便宜", "{k}公司", "{c}{k}电话"]
ZH_USERS = ["小明同学", "风中的叶子", "游客8812", "老王在路上", "天天向上", "momo酱", "admin", "吃货小分队",
            "夜猫子", "路人甲", "版主", "潜水员2010", "爱吃鱼的猫", "阿强"]
ZH_HX = ["夏季养生", "新手理财", "家常菜", "电动车", "装修", "减肥", "考研", "手机拍照", "周末出游", "宠物猫",
         "租房", "空气炸锅"]
ZH_HP = ["手机", "空调", "跑鞋", "冰箱", "洗衣机", "笔记本", "电动牙刷", "扫地机器人"]
ZH_HT = ["{x}的{n}个冷知识，第{m}个你一定不知道", "震惊！{x}竟然还能这样", "{x}怎么选？看完这篇就懂了",
         "{y}年最值得买的{n}款{p}", "专家提醒：{x}要注意这几点", "{c}{x}最新消息", "{x}全攻略（建议收藏）",
         "为什么越来越多的人开始关注{x}？", "{p}到底怎么选？内行人告诉你", "一文读懂{x}"]


def zh_site(r):
    return r.choice(ZH_SITES)


def zh_headline(r):
    return r.choice(ZH_HT).format(x=r.choice(ZH_HX), n=r.randint(3, 12), m=r.randint(1, 3),
                                  y=r.randint(2016, 2025), p=r.choice(ZH_HP), c=r.choice(ZH_CITIES))


def zh_kw(r, k):
    return r.choice(ZH_KW_PATTERNS).format(c=r.choice(ZH_CITIES), k=k)


def zh_price(r):
    return f"￥{r.randint(9, 1999)}.{r.choice(['00', '90', '99', '80'])}"


def zh_nav(r, target):
    sep = r.choice([" | ", "  ", "｜", " · ", " "])
    head = r.choice(["网站导航：", f"您好，欢迎来到{zh_site(r)}！请登录 免费注册 ", "设为首页 加入收藏 ", ""])
    return head + fill(target, lambda: sep.join(r.sample(ZH_NAV, r.randint(5, 10))), "  ")


def zh_breadcrumb(r, target):
    pieces = [
        lambda: "当前位置：" + r.choice([" > ", " » ", " / ", "＞"]).join(["首页"] + r.choice(ZH_CRUMBS)),
        lambda: f"上一篇：{zh_headline(r)}",
        lambda: f"下一篇：{zh_headline(r)}",
        lambda: "返回顶部",
        lambda: "返回列表",
        lambda: "【打印】【关闭窗口】",
        lambda: "【字体：大 中 小】",
    ]
    return fill_pieces(r, target, pieces)


ZH_PROVINCES = ["京", "沪", "粤", "浙", "苏", "川", "鄂", "湘", "陕", "渝"]


def zh_copyright(r, target):
    p = r.choice(ZH_PROVINCES)
    pieces = [
        lambda: f"版权所有 © {r.randint(2003, 2015)}-{r.randint(2016, 2025)} {zh_site(r)} 保留所有权利",
        lambda: f"{p}ICP备{digits(r, 8)}号-{r.randint(1, 9)}",
        lambda: f"{p}公网安备 {digits(r, 14)}号",
        lambda: "未经书面许可，不得转载、摘编或以其他方式使用本网站内容。",
        lambda: f"违法和不良信息举报电话：{r.choice(['010', '021', '020', '0571'])}-{digits(r, 8)}",
        lambda: f"增值电信业务经营许可证：{p}B2-{digits(r, 8)}",
        lambda: "本站法律顾问：某某律师事务所",
        lambda: "Copyright © All Rights Reserved",
    ]
    return fill_pieces(r, target, pieces)


def zh_ad(r, target):
    pieces = [
        lambda: f"【广告】{r.choice(ZH_PRODUCTS)}限时特惠，仅需{zh_price(r)}！",
        lambda: "广告 ×",
        lambda: "赞助商链接",
        lambda: "点击查看详情>>",
        lambda: "扫码领取优惠券",
        lambda: f"新用户专享，立减{r.randint(5, 100)}元",
        lambda: "【推广】月入过万不是梦，在家就能做！",
        lambda: "广告位招租 联系电话：" + f"1{r.choice(['3', '5', '8'])}{digits(r, 9)}",
        lambda: "关闭广告",
    ]
    return fill_pieces(r, target, pieces)


def zh_click_here(r, target):
    pieces = ["点击这里下载", "点击这里查看大图", "点击这里进入官网", "点击此处返回", "如果页面没有自动跳转，请点击这里。",
              ">>>点击进入<<<", "点击这里领取红包", "点击这里查看全文", "点此播放视频", "请点击这里继续访问",
              "戳这里→", "点击这里立即报名", "想了解更多？点击这里。", "点击这里关注我们"]
    return fill(target, lambda: r.choice(pieces))


def zh_loading(r, target):
    pieces = ["加载中…", "正在加载，请稍候…", "数据加载失败，请刷新重试", "请开启JavaScript以获得最佳浏览体验",
              "网络不给力，点击重新加载", "暂无数据", "没有更多了", "加载更多", "Loading...", "努力加载中……",
              "图片加载失败", "视频加载中，请稍候", "页面正在跳转…", "请稍后再试"]
    return fill(target, lambda: r.choice(pieces))


def zh_keywords(r, target):
    k = r.choice(ZH_KW)
    def unit():
        if r.random() < 0.2:
            c = r.choice(ZH_CITIES)
            return f"{c}{k}哪家好？我们是专业的{c}{k}，提供{zh_kw(r, k)}服务。"
        return r.choice([" ", "，", " | ", "、"]).join(zh_kw(r, k) for _ in range(r.randint(3, 6)))
    return fill(target, unit)


def zh_prices(r, target):
    def unit():
        bits = [r.choice(["【包邮】", "【爆款】", "【新品】", "", ""]) + r.choice(ZH_PRODUCTS)]
        if r.random() < 0.35:
            a, b = sorted([zh_price(r), zh_price(r)], key=lambda p: float(p[1:]))
            bits.append(f"原价{b} 现价{a}" if a != b else a)
        else:
            bits.append(zh_price(r))
        bits.append(r.choice([f"月销{r.randint(1, 9)}万+", f"已售{r.randint(10, 9999)}件", f"库存{r.randint(1, 500)}件",
                              f"商品编号：{digits(r, 10)}", f"{r.randint(90, 99)}%好评"]))
        bits.append(r.choice(["加入购物车", "立即购买", "收藏", "到手价", "领券"]))
        return " ".join(bits)
    return fill(target, unit)


def zh_cookie(r, target):
    sentences = ["本网站使用Cookie来改善您的浏览体验。", "继续使用本网站即表示您同意我们使用Cookie。",
                 "我们非常重视您的个人信息和隐私保护。", "请您在使用前仔细阅读《用户协议》和《隐私政策》。",
                 "点击“同意”即表示您已阅读并同意上述条款。", "您可以随时在设置中更改您的选择。"]
    buttons = ["同意", "不同意", "接受全部", "仅必要", "了解更多", "设置", "同意并继续", "暂不使用"]
    text = "".join(r.sample(sentences, r.randint(2, 4))) + " " + " ".join(r.sample(buttons, r.randint(2, 3)))
    while len(text) < target:
        text += " " + r.choice(["必要Cookie 始终开启", "统计分析 ☐", "个性化推荐 ☐", "广告 ☐", "保存设置"])
    return text


def zh_error(r, target):
    pages = [
        f"404 Not Found 抱歉，您访问的页面不存在或已被删除！ 可能原因：网址输入有误；该页面已被移除。 返回首页 | 返回上一页 {r.randint(3, 10)}秒后自动跳转…",
        f"502 Bad Gateway nginx/1.{r.randint(10, 25)}.{r.randint(0, 9)}",
        f"服务器繁忙，请稍后再试。错误代码：{r.choice(['E', 'ERR_'])}{digits(r, 4)}",
        "很抱歉，您要访问的页面已失效。 该内容已被发布者删除 返回首页",
        f"访问被拒绝 您的IP地址{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}访问过于频繁，请完成验证后继续。 拖动滑块完成验证",
        "该网页无法正常运作 目前无法处理此请求。 HTTP ERROR 500",
        "网站维护中 为了给您提供更好的服务，本站正在进行系统升级，给您带来的不便敬请谅解。",
    ]
    text = r.choice(pages)
    while len(text) < target:
        text += " " + r.choice([zh_nav, zh_copyright])(r, r.randint(30, 70))
    return text


def zh_login(r, target):
    pieces = [
        lambda: "您需要登录后才可以回帖 登录 | 立即注册",
        lambda: "用户名 密码 自动登录 找回密码",
        lambda: "使用微信扫码登录",
        lambda: "游客，如果您要查看本帖隐藏内容请回复",
        lambda: f"本帖最后由 {r.choice(ZH_USERS)} 于 {zh_date(r)} {zh_time(r)} 编辑",
        lambda: "只有注册会员才能查看链接，马上注册，结交更多好友，享用更多功能。",
        lambda: "没有账号？立即注册",
        lambda: "QQ登录 微博登录 手机号登录",
        lambda: f"当前在线会员{r.randint(10, 9000)}人",
    ]
    return fill_pieces(r, target, pieces)


def zh_floor(r, target):
    def unit():
        u = r.choice(ZH_USERS)
        bits = [f"{u} 发表于 {zh_date(r)} {zh_time(r)}",
                r.choice(["| 只看该作者", "| 倒序浏览", "| 阅读模式", ""]),
                r.choice([f"{r.randint(2, 99)}#", "沙发", "板凳", "地板", "楼主"]),
                r.choice(["支持 反对", "回复 举报", "引用 回复", "评分 举报"])]
        if r.random() < 0.5:
            bits.append(f"积分 {r.randint(1, 9999)} 帖子 {r.randint(1, 999)} 注册时间 {zh_date(r)}")
        if r.random() < 0.3:
            bits.append("签名：" + r.choice(["生活不止眼前的苟且。", "潜水多年，偶尔冒泡。", "求关注，求私信。"]))
        return " ".join(b for b in bits if b)
    return fill(target, unit)


ZH_REPEATED = ["感谢您的关注，我们会持续更新。", "本店所有商品均为正品，欢迎选购。", "请勿相信任何要求转账的信息。",
               "欢迎光临本站，祝您浏览愉快。", "此内容暂时无法查看。", "更多精彩内容，敬请期待。", "该帖子已被删除。",
               "点赞关注不迷路。", "全场包邮，欢迎咨询。", "本文内容仅供参考。", "{c}最专业的服务团队欢迎您。"]


def zh_repeated(r, target):
    s = r.choice(ZH_REPEATED).format(c=r.choice(ZH_CITIES))
    return fill(target, lambda: s, r.choice(["", " "]))


ZH_TAGS = ["美食", "旅游", "健康", "养生", "数码", "手机", "汽车", "育儿", "职场", "理财", "家居", "电影", "音乐",
           "教育", "宠物", "摄影", "攻略", "热点"]


def zh_tags(r, target):
    pieces = [
        lambda: "标签：" + " ".join(r.sample(ZH_TAGS, r.randint(3, 7))),
        lambda: f"发布时间：{zh_date(r)} {zh_time(r)}",
        lambda: f"来源：{zh_site(r)}",
        lambda: f"作者：{r.choice(ZH_USERS)}",
        lambda: f"浏览次数：{r.randint(10, 99999)}",
        lambda: f"评论：{r.randint(0, 999)}",
        lambda: f"责任编辑：{r.choice(['王', '李', '张', '刘', '陈'])}{r.choice(['小', '晓', '一'])}{r.choice(['雨', '明', '帆', '宁'])}",
        lambda: "分类：" + r.choice(ZH_TAGS),
        lambda: f"归档：{r.randint(2015, 2025)}年{r.randint(1, 12)}月（{r.randint(1, 40)}）",
    ]
    return fill_pieces(r, target, pieces)


ZH_SHOUT = ["限时抢购", "全场五折", "马上抢", "爆款", "包邮", "秒杀", "HOT SALE", "仅此一天", "错过再等一年",
            "NEW", "VIP专享", "清仓大甩卖", "买一送一", "跳楼价", "最后{n}小时", "亏本甩卖", "免费领取"]
ZH_DECOR = [("！！！", "！！！"), ("★★★", "★★★"), (">>>", "<<<"), ("【", "】"), ("◆◆◆", "◆◆◆"), ("", "！！"),
            ("※", "※"), ("", "!!!"), ("~~~", "~~~")]


def zh_shout(r, target):
    def unit():
        a, b = r.choice(ZH_DECOR)
        return a + r.choice(ZH_SHOUT).format(n=r.randint(2, 48)) + b
    return fill(target, unit, r.choice(["", " "]))


def zh_share(r, target):
    pieces = [
        lambda: "分享到：" + " ".join(r.sample(["微信", "微博", "QQ空间", "QQ好友", "复制链接", "朋友圈", "豆瓣"], r.randint(3, 6))),
        lambda: f"收藏({r.randint(0, 999)})", lambda: f"点赞({r.randint(0, 9999)})", lambda: f"评论({r.randint(0, 999)})",
        lambda: "转发", lambda: "扫一扫，分享到朋友圈", lambda: "举报", lambda: "在看",
        lambda: f"阅读 {r.randint(1, 99)}万+",
    ]
    return fill_pieces(r, target, pieces)


def zh_pagination(r, target):
    pieces = [
        lambda: "上一页 " + " ".join(str(i) for i in range(1, r.randint(4, 8))) + f" … {r.randint(20, 300)} 下一页 尾页",
        lambda: f"共{r.randint(100, 9999)}条记录",
        lambda: f"每页{r.choice([10, 20, 30, 50])}条",
        lambda: "跳转到 第 页 确定",
        lambda: "排序：综合 销量 价格↑ 价格↓ 新品",
        lambda: f"第{r.randint(1, 20)}页/共{r.randint(21, 300)}页",
        lambda: "首页 上一页 下一页 末页",
    ]
    return fill_pieces(r, target, pieces)


def zh_related(r, target):
    head = r.choice(["相关阅读", "热门文章", "猜你喜欢", "推荐阅读", "24小时热榜"])
    numbered = r.random() < 0.5
    items = []
    def unit():
        items.append(1)
        return (f"{len(items)} " if numbered else "· ") + zh_headline(r)
    return head + " " + fill(target, unit) + " " + r.choice(["查看更多>>", "更多", "换一换", ""])


def zh_disclaimer(r, target):
    sentences = ["免责声明：本站部分内容来源于网络，版权归原作者所有，如有侵权请联系我们删除。",
                 "本站不对内容的真实性和准确性负责，仅供参考。",
                 "转载请注明出处，否则将追究法律责任。",
                 "文中观点仅代表作者本人，不代表本站立场。",
                 "投资有风险，入市需谨慎。",
                 "如需转载，请联系原作者获得授权。"]
    text = "".join(r.sample(sentences, r.randint(2, 4)))
    while len(text) < target:
        text += " " + r.choice([f"投稿邮箱：{slug(r.choice(EN_SITES))[:8]}@{r.choice(['163.com', 'qq.com', 'example.cn'])}",
                                f"联系QQ：{digits(r, 9)}", zh_copyright(r, 30)])
    return text


def zh_contact(r, target):
    pieces = [
        lambda: f"客服热线：400-{digits(r, 3)}-{digits(r, 4)}",
        lambda: "工作时间：周一至周五 9:00-18:00",
        lambda: "在线客服",
        lambda: f"微信公众号：{zh_site(r)} 扫码关注",
        lambda: "官方微博",
        lambda: f"商务合作：bd@{slug(r.choice(EN_SITES))[:10]}.cn",
        lambda: f"地址：{r.choice(ZH_CITIES)}市{r.choice(['朝阳', '海淀', '天河', '南山', '武侯', '西湖'])}区某某路{r.randint(1, 999)}号",
        lambda: f"邮编：{digits(r, 6)}",
        lambda: f"传真：0{digits(r, 2)}-{digits(r, 8)}",
    ]
    return fill_pieces(r, target, pieces)


ZH_COMMENT_BODIES = ["沙发！", "楼主好人，已收藏", "顶顶顶", "mark一下", "加我微信领取资料", "路过", "同问",
                     "求资料，邮箱已私信", "支持一下！！", "学习了", "坐等更新", "前排围观", "666"]


def zh_comments(r, target):
    def unit():
        return f"{r.choice(ZH_USERS)} {r.choice([f'{r.randint(1, 23)}小时前', f'{r.randint(1, 59)}分钟前', zh_date(r)])} " \
               f"{r.choice(ZH_COMMENT_BODIES)} {r.choice(['回复', '顶一下', '举报', '赞'])}"
    return fill(target, unit)


def zh_friend_links(r, target):
    def unit():
        return "友情链接：" + " | ".join(r.sample(ZH_SITES, r.randint(4, 8)))
    text = fill(target - 20, unit)
    return text + f" 申请友链请联系QQ：{digits(r, 9)}"


def zh_download(r, target):  # test only
    pieces = [
        lambda: "立即下载", lambda: "高速下载", lambda: "安卓版 iOS版",
        lambda: f"大小：{r.randint(1, 900)}.{r.randint(0, 9)}MB",
        lambda: f"版本：v{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 20)}",
        lambda: f"更新时间：{zh_date(r)}", lambda: "语言：简体中文", lambda: "授权：免费软件",
        lambda: "适用系统：Win10/Win11", lambda: "安全检测：无病毒 无插件",
        lambda: f"下载次数：{r.randint(100, 999999)}",
    ]
    return fill_pieces(r, target, pieces)


def zh_app_wall(r, target):  # test only
    pieces = [
        lambda: "打开APP阅读全文", lambda: "登录后查看更多精彩内容", lambda: "展开全文∨",
        lambda: f"本文剩余{r.randint(40, 90)}%内容，开通会员即可阅读",
        lambda: f"¥{r.randint(6, 30)}/月 立即开通", lambda: "APP内打开", lambda: "继续浏览",
        lambda: "下载APP，领取新人红包", lambda: "已有账号？去登录",
    ]
    return fill_pieces(r, target, pieces)


def zh_ticker(r, target):  # test only
    def unit():
        if r.random() < 0.6:
            name, low, high = r.choice([("上证指数", 2800, 3600), ("深证成指", 8500, 12500), ("创业板指", 1700, 2800),
                                        ("沪深300", 3300, 4500), ("恒生指数", 15000, 26000), ("黄金", 400, 800)])
            return f"{name} {r.randint(low, high):,}.{digits(r, 2)} {r.choice(['+', '-'])}{r.randint(0, 3)}.{digits(r, 2)}%"
        return f"{r.choice(ZH_CITIES)} {r.choice(['晴', '多云', '小雨', '阴', '雷阵雨'])} {r.randint(-5, 20)}℃~{r.randint(21, 38)}℃ 空气质量：{r.choice(['优', '良', '轻度污染'])}"
    return fill(target, unit)


def zh_mixed(r, target):
    makers = r.sample([zh_nav, zh_breadcrumb, zh_copyright, zh_share, zh_tags, zh_ad, zh_contact], 3)
    parts, size = [], 0
    for maker in makers:
        piece = maker(r, r.randint(25, max(30, target // 3)))
        parts.append(piece)
        size += len(piece)
        if size >= target:
            break
    return " ".join(parts)



ZH_DOORWAY_SENTENCES = [
    "{c}{k}哪家好？{c}{k}就选我们，我们是{c}最专业的{k}。",
    "我们的{k}服务覆盖{c}全市，{c}{k}电话随时为您服务。",
    "选择{c}{k}，就是选择放心，{k}找我们准没错。",
    "{c}{k}价格实惠，{k}质量有保障，欢迎来电咨询{c}{k}。",
    "多年来，我们为{c}上万家客户提供{k}服务，是值得信赖的{c}{k}。",
    "专业{k}，认准{c}{k}，{k}就是我们的专长。",
    "想找便宜又靠谱的{k}？{c}{k}欢迎您的来电。",
    "{c}{k}排名第一，{k}口碑好，{c}{k}首选。",
]


def zh_doorway(r, target):
    k, c = r.choice(ZH_KW), r.choice(ZH_CITIES)
    return fill_pieces(r, target, [lambda t=t: t.format(k=k, c=c) for t in ZH_DOORWAY_SENTENCES])


ZH_TERMS_SENTENCES = [
    "用户在使用本网站服务前，应当仔细阅读并遵守本协议的全部条款。",
    "本网站有权根据需要随时修改本协议，修改后的协议一经公布即生效。",
    "用户不得利用本网站发布违法、侵权或不良信息。",
    "因不可抗力导致的服务中断，本网站不承担任何责任。",
    "本协议的最终解释权归本网站所有。",
    "用户注册成功后，应妥善保管账号和密码。",
    "本网站所载内容仅供参考，不构成任何投资建议。",
    "未满18周岁的用户应在监护人的陪同下阅读本协议。",
    "如用户违反本协议，本网站有权暂停或终止其账号的使用。",
]


def zh_terms(r, target):
    head = r.choice(["用户协议", "服务条款", "法律声明", "隐私政策", ""])
    body = fill_pieces(r, target, [lambda t=t: t for t in ZH_TERMS_SENTENCES])
    return (f"{head} 第{r.randint(1, 12)}条 " if head else "") + body


ZH_CLOSING = ["版权所有。", "谢谢合作。", "敬请谅解。", "欢迎来电咨询。", "以上价格仅供参考。", "图片仅供参考，请以实物为准。",
              "本活动最终解释权归本公司所有。", "如有疑问请联系客服。", "评论已关闭。", "页面最后更新于{d}。",
              "给您带来的不便，敬请谅解。"]

ZH_JUNK_SHARED = [zh_nav, zh_breadcrumb, zh_copyright, zh_ad, zh_click_here, zh_loading, zh_keywords, zh_prices,
                  zh_cookie, zh_error, zh_login, zh_floor, zh_repeated, zh_tags, zh_shout, zh_share, zh_pagination,
                  zh_related, zh_disclaimer, zh_contact, zh_comments, zh_friend_links, zh_mixed,
                  zh_doorway, zh_terms]
ZH_JUNK_TEST_ONLY = [zh_download, zh_app_wall, zh_ticker]

# =====================================================================================================
# MARK: Composition
# =====================================================================================================

LANGS = {
    "en": dict(topics=EN_TOPICS, joiner=" ", sizes=[2, 3, 3, 4, 4, 5, 5, 6], prose_len=EN_PROSE_LEN, junk_len=EN_JUNK_LEN,
               junk_target=(160, 620), shared=EN_JUNK_SHARED, test_only=EN_JUNK_TEST_ONLY,
               closing=EN_CLOSING, sentence_kinds=[en_repeated, en_doorway, en_terms]),
    "zh": dict(topics=ZH_TOPICS, joiner="", sizes=[3, 4, 4, 5, 5, 6, 6, 7], prose_len=ZH_PROSE_LEN, junk_len=ZH_JUNK_LEN,
               junk_target=(65, 280), shared=ZH_JUNK_SHARED, test_only=ZH_JUNK_TEST_ONLY,
               closing=ZH_CLOSING, sentence_kinds=[zh_repeated, zh_doorway, zh_terms]),
}

SEEN = set()  # membership only, never iterated


def clean(text):
    text = " ".join(text.split())  # one line, single spaces, no tab/CR/LF
    assert "\t" not in text and "\n" not in text and "\r" not in text
    return text


def accept(text, bounds):
    if not (bounds[0] <= len(text) <= bounds[1]) or text in SEEN:
        return False
    SEEN.add(text)
    return True


def topic_cycle(names, count):
    """count topic names, as even as possible, in a shuffled order."""
    out = []
    while len(out) < count:
        block = list(names)
        rng.shuffle(block)
        out.extend(block)
    return out[:count]


def make_prose(lang, split, count):
    cfg = LANGS[lang]
    held_topic = HELD_OUT_TOPIC[lang]
    shared_topics = [(name, sents) for name, sents in cfg["topics"] if name != held_topic]
    held_sents = [sents for name, sents in cfg["topics"] if name == held_topic][0]
    plan = []  # (pool of indexed sentences, indices that must be represented)
    if split == "test":
        n_held_topic = count // 4
        for _ in range(n_held_topic):
            plan.append((list(enumerate(held_sents)), None))
        for name in topic_cycle([n for n, _ in shared_topics], count - n_held_topic):
            sents = dict(shared_topics)[name]
            plan.append((list(enumerate(sents)), [i for i in range(len(sents)) if held_out_sentence(i)]))
    else:
        for name in topic_cycle([n for n, _ in shared_topics], count):
            sents = dict(shared_topics)[name]
            plan.append(([(i, s) for i, s in enumerate(sents) if not held_out_sentence(i)], None))
    texts = []
    for pool, must in plan:
        while True:
            k = rng.choice(cfg["sizes"])
            if must is None:
                chosen = rng.sample(pool, min(k, len(pool)))
            else:
                n_must = rng.randint(1, min(2, k - 1))
                first = rng.sample(must, n_must)
                rest = [p for p in pool if p[0] not in first]
                chosen = [pool[i] for i in first] + rng.sample(rest, k - n_must)
            chosen.sort()
            text = clean(cfg["joiner"].join(s for _, s in chosen))
            if accept(text, cfg["prose_len"]):
                texts.append(text)
                break
    return texts


def make_junk(lang, split, count):
    cfg = LANGS[lang]
    if split == "test":
        n_new = count // 3
        makers = [cfg["test_only"][i % len(cfg["test_only"])] for i in range(n_new)]
        makers += [cfg["shared"][i % len(cfg["shared"])] for i in range(count - n_new)]
    else:
        makers = [cfg["shared"][i % len(cfg["shared"])] for i in range(count)]
    rng.shuffle(makers)
    texts = []
    for maker in makers:
        while True:
            text = maker(rng, rng.randint(*cfg["junk_target"]))
            if maker not in cfg["sentence_kinds"] and rng.random() < 0.35:
                closing = rng.choice(cfg["closing"]).format(d=en_date(rng) if lang == "en" else zh_date(rng))
                text += " " + closing
            text = clean(text)
            if accept(text, cfg["junk_len"]):
                texts.append(text)
                break
    return texts


def build_split(split, size):
    n_prose = round(size * PROSE_SHARE)
    n_junk = size - n_prose
    rows = []
    for lang in ["en", "zh"]:
        rows += [("prose", lang, t) for t in make_prose(lang, split, n_prose // 2)]
        rows += [("junk", lang, t) for t in make_junk(lang, split, n_junk // 2)]
    rng.shuffle(rows)
    lines = ["id\tlabel\tlanguage\ttext"]
    for number, (label, lang, text) in enumerate(rows, 1):
        lines.append(f"task-{split}-{number:04d}\t{label}\t{lang}\t{text}")
    return "\n".join(lines) + "\n"


def main():
    os.makedirs(OUT, exist_ok=True)
    for split, size in SPLITS:
        data = build_split(split, size).encode("utf-8")
        path = os.path.join(OUT, f"{split}.tsv")
        with open(path, "wb") as handle:
            handle.write(data)
        print(f"task/{split}.tsv: {size} rows, {len(data)} bytes")


if __name__ == "__main__":
    main()
